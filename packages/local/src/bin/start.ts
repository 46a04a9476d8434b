import { parseArgs } from 'node:util';
import { startLocalStack } from '../stack';

/**
 * `pnpm start`: the whole vault on 127.0.0.1. Prints one line when ready;
 * SIGINT or SIGTERM stops everything it started.
 */
async function main(): Promise<void> {
  // The SDK warns that its 2027 releases need Node 22; the lockfile pins today's.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({
    options: {
      'in-memory': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'usage: pnpm start [--in-memory] [--data-dir DIR] [--port N]\n' +
        '  PORT (env) or --port: API and web vault port (default 8787)\n' +
        '  --data-dir: state directory (default .kmsvault at the workspace root)\n' +
        '  --in-memory: keep no state on disk\n',
    );
    return;
  }
  const rawPort = values.port ?? process.env.PORT ?? '8787';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a whole number from 0 to 65535, got '${rawPort}'`);
  }
  const dataDir =
    values['data-dir'] ??
    process.env.KMSVAULT_DATA_DIR ??
    `${process.env.INIT_CWD ?? process.cwd()}/.kmsvault`;
  const started = Date.now();
  const stack = await startLocalStack({ dataDir, inMemory: values['in-memory'], port });
  const { info } = stack;
  if (info.notRun.length > 0) {
    const byType = new Map<string, number>();
    for (const r of info.notRun) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    process.stdout.write(
      `not run locally (${info.notRun.length} resources; each with its reason in local.json): ${[...byType]
        .map(([type, n]) => `${type} x${n}`)
        .join(', ')}\n`,
    );
  }
  process.stdout.write(
    `kmsvault local vault ready at ${info.webUrl ?? info.apiUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
      `(API stage URL ${info.apiUrl}; template ${info.stackName}: ${info.template.assembly}; ` +
      `state: ${values['in-memory'] ? 'in memory' : dataDir}; settings in ${stack.localJsonPath})\n`,
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping the local vault\n`);
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
  // Package managers run scripts through `sh -c`, which does not pass SIGTERM
  // on: when whoever started us goes away, we are re-parented, and stop too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown('parent exited');
  }, 1_000).unref();
}

main().catch((err: unknown) => {
  process.stderr.write(`kmsvault: ${(err as Error).message}\n`);
  process.exit(1);
});
