import { LocalInvoker } from '../../src/lambda';
import { collectingSink, isAlive, removeFixtures, specFor, writeFunction } from './fixtures';

const invokers: LocalInvoker[] = [];

function invokerOf(functions: Record<string, string>) {
  const logs = collectingSink();
  const specs = Object.entries(functions).map(([logicalId, code]) =>
    specFor(writeFunction(code), { logicalId, functionName: `kmsvault-dev-${logicalId}` }),
  );
  const invoker = LocalInvoker.fromSpecs(specs, { sink: logs.sink });
  invokers.push(invoker);
  return { invoker, lines: logs.lines };
}

const ECHO =
  'exports.handler = async (event, context) => ({ event, functionName: context.functionName, pid: process.pid });';
const BROKEN = "throw new Error('SIGNING_KEY_ALIAS is missing');";

afterEach(async () => {
  await Promise.all(invokers.splice(0).map((invoker) => invoker.stop()));
  removeFixtures();
});

describe('Class: LocalInvoker', () => {
  it('invokes each function by logical id in its own workers', async () => {
    const { invoker } = invokerOf({ AuthFunction: ECHO, SecretsFunction: ECHO });

    const auth = await invoker.invoke('AuthFunction', { a: 1 });
    const secrets = await invoker.invoke('SecretsFunction', { s: 2 });

    expect(auth).toMatchObject({
      ok: true,
      payload: { event: { a: 1 }, functionName: 'kmsvault-dev-AuthFunction' },
    });
    expect(secrets).toMatchObject({
      ok: true,
      payload: { event: { s: 2 }, functionName: 'kmsvault-dev-SecretsFunction' },
    });
  });

  it('answers Runtime when the function is not in the template', async () => {
    const { invoker } = invokerOf({ AuthFunction: ECHO });

    await expect(invoker.invoke('NoSuchFunction', {})).resolves.toEqual({
      ok: false,
      errorType: 'Runtime',
      errorMessage: 'function NoSuchFunction is not in the template',
    });
  });

  it('answers InitError for a function whose init crashes while the others keep working', async () => {
    const { invoker } = invokerOf({ AuthFunction: ECHO, BrokenFunction: BROKEN });

    const broken = await invoker.invoke('BrokenFunction', {});
    const auth = await invoker.invoke('AuthFunction', {});
    const brokenAgain = await invoker.invoke('BrokenFunction', {});

    const initError = {
      ok: false,
      errorType: 'InitError',
      errorName: 'Error',
      errorMessage: 'SIGNING_KEY_ALIAS is missing',
    };
    expect(broken).toEqual(initError);
    expect(brokenAgain).toEqual(initError);
    expect(auth).toMatchObject({ ok: true });
  });

  it('prewarm() starts one worker per function and reports init failures without throwing', async () => {
    const { invoker, lines } = invokerOf({ AuthFunction: ECHO, BrokenFunction: BROKEN });

    const outcomes = await invoker.prewarm();

    expect(outcomes).toEqual(
      new Map([
        ['AuthFunction', { ok: true }],
        ['BrokenFunction', { ok: false, errorName: 'Error', errorMessage: 'SIGNING_KEY_ALIAS is missing' }],
      ]),
    );
    expect(invoker.pool('AuthFunction')?.stats()).toEqual({ workers: 1, idle: 1, queued: 0 });
    expect(lines.filter((entry) => entry.stream === 'pool').map((entry) => entry.line)).toEqual([
      'init failed: Error: SIGNING_KEY_ALIAS is missing',
    ]);
  });

  it('stop() leaves no worker process alive', async () => {
    const { invoker } = invokerOf({ AuthFunction: ECHO, SecretsFunction: ECHO });
    const pids = await Promise.all(
      ['AuthFunction', 'SecretsFunction'].map(async (id) => {
        const result = await invoker.invoke(id, {});
        return (result as { payload: { pid: number } }).payload.pid;
      }),
    );
    expect(pids.every(isAlive)).toBe(true);

    await invoker.stop();

    expect(pids.some(isAlive)).toBe(false);
  });
});
