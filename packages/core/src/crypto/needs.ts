/** A broken precondition in crypto code: a programming error, never user input. */
export class PreconditionError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'PreconditionError';
  }
}

/**
 * States a precondition, as the AWS Encryption SDK's `needs` does: crypto
 * code refuses to go on with inputs it was not written for.
 */
export function needs(condition: unknown, message: string): asserts condition {
  if (!condition) throw new PreconditionError(message);
}
