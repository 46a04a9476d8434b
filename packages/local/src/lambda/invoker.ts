import { FunctionPool, type FunctionPoolOptions } from './pool';
import type { FunctionSpec, InvocationResult, Invoker } from './types';
import type { InitOutcome } from './worker';

/**
 * Invokes the template's functions by logical id, each in its own {@link FunctionPool} of worker
 * processes. A function that fails init answers InitError; the others keep working.
 */
export class LocalInvoker implements Invoker {
  public constructor(private readonly pools: ReadonlyMap<string, FunctionPool>) {}

  /** One pool per spec, keyed by logical id, all with the same options. */
  public static fromSpecs(specs: readonly FunctionSpec[], options: FunctionPoolOptions = {}): LocalInvoker {
    return new LocalInvoker(new Map(specs.map((spec) => [spec.logicalId, new FunctionPool(spec, options)])));
  }

  /** The pool of one function, or undefined if the template has no such function. */
  public pool(functionLogicalId: string): FunctionPool | undefined {
    return this.pools.get(functionLogicalId);
  }

  public invoke(functionLogicalId: string, event: unknown): Promise<InvocationResult> {
    const pool = this.pools.get(functionLogicalId);
    if (pool === undefined) {
      return Promise.resolve({
        ok: false,
        errorType: 'Runtime',
        errorMessage: `function ${functionLogicalId} is not in the template`,
      });
    }
    return pool.invoke(event);
  }

  /**
   * Starts one worker per function and waits for every init. Failures are returned by logical id
   * (and logged by their pool), never thrown: a broken function must not stop the others.
   */
  public async prewarm(): Promise<ReadonlyMap<string, InitOutcome>> {
    const entries = [...this.pools].map(async ([id, pool]) => [id, await pool.prewarm()] as const);
    return new Map(await Promise.all(entries));
  }

  /** Stops every pool's workers and waits until they have exited. */
  public async stop(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.stop()));
  }
}
