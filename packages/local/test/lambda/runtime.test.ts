import { FunctionPool } from '../../src/lambda';
import { collectingSink, removeFixtures, specFor, writeFunction } from './fixtures';

const pools: FunctionPool[] = [];

function poolOf(code: string, handler = 'index.handler'): FunctionPool {
  const { sink } = collectingSink();
  const pool = new FunctionPool(specFor(writeFunction(code), { handler }), {
    sink,
    accountId: '123456789012',
  });
  pools.push(pool);
  return pool;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.stop()));
  removeFixtures();
});

describe('Worker runtime (runtime.cjs)', () => {
  it('calls the handler with the event and a Lambda-like context', async () => {
    const pool = poolOf(`
      exports.handler = async (event, context) => ({
        event,
        awsRequestId: context.awsRequestId,
        functionName: context.functionName,
        functionVersion: context.functionVersion,
        invokedFunctionArn: context.invokedFunctionArn,
        memoryLimitInMB: context.memoryLimitInMB,
        logGroupName: context.logGroupName,
        logStreamName: context.logStreamName,
        remaining: context.getRemainingTimeInMillis(),
        callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
      });
    `);

    const result = await pool.invoke({ path: '/v1/secrets', n: [1, 2] });

    expect(result).toEqual({
      ok: true,
      payload: {
        event: { path: '/v1/secrets', n: [1, 2] },
        awsRequestId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
        functionName: 'kmsvault-dev-echo',
        functionVersion: '$LATEST',
        invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:kmsvault-dev-echo',
        memoryLimitInMB: '256',
        logGroupName: '/aws/lambda/kmsvault-dev-echo',
        logStreamName: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/),
        remaining: expect.any(Number),
        callbackWaitsForEmptyEventLoop: true,
      },
    });
    const remaining = (result as { payload: { remaining: number } }).payload.remaining;
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(30_000);
  });

  it('gives each invocation its own request id', async () => {
    const pool = poolOf('exports.handler = async (_event, context) => context.awsRequestId;');

    const first = await pool.invoke({});
    const second = await pool.invoke({});

    expect(first.ok && second.ok).toBe(true);
    expect(first).not.toEqual(second);
  });

  it('answers null when the handler returns nothing, as Lambda does', async () => {
    const pool = poolOf('exports.handler = async () => {};');

    await expect(pool.invoke({})).resolves.toEqual({ ok: true, payload: null });
  });

  it('returns the payload as JSON would carry it', async () => {
    const pool = poolOf('exports.handler = async () => ({ at: new Date(0), skip: undefined, fn: () => 1 });');

    await expect(pool.invoke({})).resolves.toEqual({ ok: true, payload: { at: '1970-01-01T00:00:00.000Z' } });
  });

  it('answers Unhandled with the error name and message when the handler throws', async () => {
    const pool = poolOf(`
      class VaultError extends Error { constructor(m) { super(m); this.name = 'VaultError'; } }
      exports.handler = async () => { throw new VaultError('the vault is sealed'); };
    `);

    await expect(pool.invoke({})).resolves.toEqual({
      ok: false,
      errorType: 'Unhandled',
      errorName: 'VaultError',
      errorMessage: 'the vault is sealed',
    });
  });

  it('keeps the worker after a handler error', async () => {
    const pool = poolOf(`
      exports.handler = async (event) => { if (event.fail) throw new Error('no'); return process.pid; };
    `);

    const before = await pool.invoke({});
    await pool.invoke({ fail: true });
    const after = await pool.invoke({});

    expect(after).toEqual(before);
  });

  it('answers Runtime.JSONStringifyError when the result cannot be serialized', async () => {
    const pool = poolOf('exports.handler = async () => { const a = {}; a.a = a; return a; };');

    await expect(pool.invoke({})).resolves.toMatchObject({
      ok: false,
      errorType: 'Unhandled',
      errorName: 'Runtime.JSONStringifyError',
    });
  });

  it('fails init with Runtime.CallbackHandlerDeprecated for a callback handler, as nodejs24.x does', async () => {
    const pool = poolOf('exports.handler = (event, context, callback) => callback(null, event);');

    await expect(pool.invoke({})).resolves.toMatchObject({
      ok: false,
      errorType: 'InitError',
      errorName: 'Runtime.CallbackHandlerDeprecated',
    });
  });

  it('fails init with Runtime.HandlerNotFound when the module does not export the handler', async () => {
    const pool = poolOf('exports.other = async () => 1;');

    await expect(pool.invoke({})).resolves.toEqual({
      ok: false,
      errorType: 'InitError',
      errorName: 'Runtime.HandlerNotFound',
      errorMessage: 'index.handler is undefined or not exported',
    });
  });

  it('fails init with Runtime.ImportModuleError when the handler module is missing', async () => {
    const pool = poolOf('exports.handler = async () => 1;', 'lambda.handler');

    await expect(pool.invoke({})).resolves.toEqual({
      ok: false,
      errorType: 'InitError',
      errorName: 'Runtime.ImportModuleError',
      errorMessage: "Error: Cannot find module 'lambda'",
    });
  });

  it('fails init with Runtime.ImportModuleError when the bundle requires a module nothing provides', async () => {
    const pool = poolOf("require('@kmsvault/not-a-package'); exports.handler = async () => 1;");

    await expect(pool.invoke({})).resolves.toEqual({
      ok: false,
      errorType: 'InitError',
      errorName: 'Runtime.ImportModuleError',
      errorMessage: "Error: Cannot find module '@kmsvault/not-a-package'",
    });
  });
});
