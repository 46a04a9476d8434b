import type { Flags } from './args';
import type { Client } from './client';
import type { Credentials } from './config';
import type { Io } from './io';

/** What a command runs with: its name and arguments, the flags, the API client and the helpers every command shares. */
export interface Context {
  /** The command's name (the first positional). */
  readonly command: string;
  /** The positionals after the command. */
  readonly rest: readonly string[];
  readonly values: Flags;
  readonly io: Io;
  /** The API address in use, checked. */
  readonly apiUrl: string;
  /** The stored credentials, whichever API they are for. */
  readonly stored: Credentials | undefined;
  /** A client for `apiUrl`, with the stored session when it is for that API. */
  readonly client: Client;
  /** Writes the human line, or with --json the machine value as JSON. */
  readonly out: (human: string, machine: unknown) => void;
  /** The first positional after the command; a usage error naming `what` when there is none. */
  readonly arg: (what: string) => string;
  /** The password from stdin (--password-stdin) or a prompt on the terminal. */
  readonly password: (prompt: string) => Promise<string>;
  /** The --username flag; a usage error when it is missing. */
  readonly username: () => string;
}
