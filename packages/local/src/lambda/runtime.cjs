'use strict';
/**
 * The worker runtime: what Lambda's Node.js runtime interface client does, written by hand for a
 * process that the local stack forks (`node runtime.cjs`, no loader, no TypeScript), so a worker
 * loads nothing but the function's bundled asset, as Lambda does.
 *
 * Init: loads `$LAMBDA_TASK_ROOT/<module>.js` and the export `_HANDLER` names (`index.handler`),
 * then tells the parent `{type:'ready'}` or `{type:'init-error', errorName, errorMessage}` and exits.
 * Invoke: `{type:'invoke', requestId, event, deadlineMs, invokedFunctionArn}`, one at a time, answered
 * with `{type:'result', requestId, payload}` (the JSON text Lambda would return) or
 * `{type:'error', requestId, errorName, errorMessage}`.
 *
 * Like the nodejs24.x runtime, handlers are async (or return a promise): a handler declaring a
 * third, callback parameter fails init with Runtime.CallbackHandlerDeprecated.
 */
const { existsSync } = require('node:fs');
const { resolve } = require('node:path');
const { pathToFileURL } = require('node:url');

// Read once at start, as the runtime does: a handler that edits process.env changes nothing here.
const env = { ...process.env };
const handlerString = env._HANDLER || '';
const taskRoot = env.LAMBDA_TASK_ROOT || process.cwd();

// The parent gone (crashed, killed) means no one will ever call again.
process.on('disconnect', () => process.exit(0));

let handler;

function named(name, message) {
  const error = new Error(message);
  error.name = name;
  return error;
}

function describe(error) {
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message };
  return { errorName: typeof error, errorMessage: String(error) };
}

function send(message) {
  return new Promise((done) => {
    if (!process.connected) return done();
    process.send(message, () => done());
  });
}

async function importModule(file) {
  if (file.endsWith('.mjs')) return import(pathToFileURL(file).href);
  try {
    return require(file);
  } catch (error) {
    if (error && error.code === 'ERR_REQUIRE_ESM') return import(pathToFileURL(file).href);
    if (error instanceof SyntaxError)
      throw named('Runtime.UserCodeSyntaxError', `${error.name}: ${error.message}`);
    if (error && error.code === 'MODULE_NOT_FOUND') {
      throw named('Runtime.ImportModuleError', `Error: ${error.message.split('\n')[0]}`);
    }
    throw error;
  }
}

async function loadHandler() {
  const slash = handlerString.lastIndexOf('/');
  const dir = handlerString.slice(0, slash + 1);
  const rest = handlerString.slice(slash + 1);
  const dot = rest.indexOf('.');
  if (dot <= 0 || dot === rest.length - 1) {
    throw named('Runtime.MalformedHandlerName', `Bad handler ${handlerString}`);
  }
  const moduleName = dir + rest.slice(0, dot);
  const base = resolve(taskRoot, moduleName);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((candidate) => existsSync(candidate));
  if (file === undefined) {
    throw named('Runtime.ImportModuleError', `Error: Cannot find module '${moduleName}'`);
  }
  let found = await importModule(file);
  for (const part of rest.slice(dot + 1).split('.')) found = found == null ? undefined : found[part];
  if (found === undefined)
    throw named('Runtime.HandlerNotFound', `${handlerString} is undefined or not exported`);
  if (typeof found !== 'function')
    throw named('Runtime.HandlerNotFound', `${handlerString} is not a function`);
  if (found.length >= 3) {
    throw named(
      'Runtime.CallbackHandlerDeprecated',
      'Callback-based function handlers are not supported in the Node.js 24 runtime; use an async handler',
    );
  }
  return found;
}

function contextFor(message) {
  const deadlineMs = message.deadlineMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: message.requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
}

/** Lambda's JSON log record for an invocation that ended in an error. */
function logInvokeError(requestId, error) {
  const { errorName, errorMessage } = describe(error);
  const stackTrace = error instanceof Error && error.stack ? error.stack.split('\n').slice(1) : [];
  const record = { errorType: errorName, errorMessage, stackTrace };
  const line = { timestamp: new Date().toISOString(), level: 'ERROR', requestId, message: record };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

async function invoke(message) {
  const requestId = message.requestId;
  let reply;
  try {
    const result = await handler(message.event, contextFor(message));
    let payload;
    try {
      payload = JSON.stringify(result === undefined ? null : result);
    } catch {
      throw named('Runtime.JSONStringifyError', 'Unable to stringify response body');
    }
    reply = { type: 'result', requestId, payload: payload === undefined ? 'null' : payload };
  } catch (error) {
    logInvokeError(requestId, error);
    reply = { type: 'error', requestId, ...describe(error) };
  }
  // Lambda ends each invocation's log with an END line; here it also tells the parent that every
  // line the invocation wrote is in the pipe before the answer, so no log line trails the response.
  await Promise.all([endLine(process.stdout, requestId), endLine(process.stderr, requestId)]);
  await send(reply);
}

function endLine(stream, requestId) {
  return new Promise((resolve) => stream.write(`END RequestId: ${requestId}\n`, () => resolve()));
}

process.on('message', (message) => {
  if (message === null || typeof message !== 'object' || message.type !== 'invoke') return;
  if (handler === undefined) {
    void send({
      type: 'error',
      requestId: message.requestId,
      errorName: 'Runtime.NotReady',
      errorMessage: 'init has not finished',
    });
    return;
  }
  void invoke(message);
});

loadHandler().then(
  (loaded) => {
    handler = loaded;
    return send({ type: 'ready' });
  },
  async (error) => {
    await send({ type: 'init-error', ...describe(error) });
    process.exit(1);
  },
);
