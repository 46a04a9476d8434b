/** Exit codes of the kmsvault CLI: stable, documented in the README. */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  conflict: 5,
  server: 6,
  rateLimited: 7,
} as const;

export class CliError extends Error {
  public constructor(
    message: string,
    public readonly exitCode: number,
    /** The problem's `code`, when the API answered one. */
    public readonly problemCode?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The exit code for an HTTP status the API answered with. */
export function exitCodeFor(status: number): number {
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 404) return EXIT.notFound;
  if (status === 409 || status === 412 || status === 422 || status === 428) return EXIT.conflict;
  if (status === 429) return EXIT.rateLimited;
  if (status >= 500) return EXIT.server;
  return EXIT.usage;
}
