import { parseCommandLine } from './args';
import { runCommand } from './commands';
import { CliError, EXIT } from './errors';
import { commandHelp } from './help';
import type { Io } from './io';
import { USAGE } from './usage';
import { version } from './version';

export type { Io } from './io';
export { USAGE } from './usage';

export async function run(argv: string[], io: Io): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr.write(`kmsvault: ${err.message}\n`);
      return err.exitCode;
    }
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`kmsvault: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`kmsvault: unexpected error: ${(err as Error).message.split('\n')[0]}\n`);
    return EXIT.unexpected;
  }
}

/** `--version`, `--help` and `help [command]` answer from here; every other command runs in ./commands. */
async function dispatch(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandLine(argv);
  const [command, ...rest] = positionals;
  if (values.version) {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  if (command === 'help' || (values.help && command !== undefined)) {
    const topic = command === 'help' ? rest[0] : command;
    if (topic === undefined) {
      io.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    const page = commandHelp(topic);
    if (page === undefined) throw new CliError(`no command ${topic}; see kmsvault --help`, EXIT.usage);
    io.stdout.write(`${page}\n`);
    return EXIT.ok;
  }
  if (values.help || command === undefined) {
    io.stdout.write(`${USAGE}\n`);
    return command === undefined && !values.help ? EXIT.usage : EXIT.ok;
  }
  return runCommand(command, rest, values, io);
}
