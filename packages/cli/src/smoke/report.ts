import { performance } from 'node:perf_hooks';
import { SmokeFailure } from './http';

/**
 * The smoke test's output: one line per step with its time, through a filter
 * that replaces every credential the run made or received (the password,
 * tokens, the secret's value) with `[redacted]`, whatever a message carries.
 */
export class SmokeReport {
  private readonly credentials = new Set<string>();
  private failed: { step: string; message: string } | undefined;

  public constructor(private readonly write: (line: string) => void) {}

  /** Never print this value (a password, a token). */
  public hide(value: string | undefined): void {
    if (value !== undefined && value.length > 0) this.credentials.add(value);
  }

  /** The first failed step, its message redacted. */
  public get failure(): { step: string; message: string } | undefined {
    return this.failed;
  }

  /** Runs one step, prints `ok` or `FAIL` with its time; after a failure, later steps are skipped. */
  public async step<T>(name: string, run: () => Promise<T>, describe?: (value: T) => string): Promise<T> {
    if (this.failed !== undefined) throw new SkippedStep();
    return this.run(name, run, describe, true);
  }

  /** A step that runs even after a failure (cleanup); its failure is a failure of the run too. */
  public async always<T>(
    name: string,
    run: () => Promise<T>,
    describe?: (value: T) => string,
  ): Promise<void> {
    try {
      await this.run(name, run, describe, false);
    } catch {
      // recorded and printed by run
    }
  }

  public line(text: string): void {
    this.write(this.redact(text));
  }

  private redact(text: string): string {
    let safe = text;
    for (const value of this.credentials) safe = safe.split(value).join('[redacted]');
    return safe;
  }

  private async run<T>(
    name: string,
    run: () => Promise<T>,
    describe: ((value: T) => string) | undefined,
    rethrow: boolean,
  ): Promise<T> {
    const started = performance.now();
    const ms = () => `${Math.round(performance.now() - started)} ms`;
    try {
      const value = await run();
      const note = describe?.(value);
      this.line(`ok   ${name} (${ms()})${note ? `: ${note}` : ''}`);
      return value;
    } catch (err) {
      const message =
        err instanceof SmokeFailure ? err.message : `unexpected error: ${(err as Error).message}`;
      this.line(`FAIL ${name} (${ms()}): ${message}`);
      this.failed ??= { step: name, message: this.redact(message) };
      if (rethrow) throw new SkippedStep();
      throw err;
    }
  }
}

/** Thrown past the remaining steps once one has failed. */
export class SkippedStep extends Error {
  public constructor() {
    super('skipped after a failed step');
    this.name = 'SkippedStep';
  }
}
