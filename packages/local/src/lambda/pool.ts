import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { type WorkerPaths, workerLaunch } from './environment';
import { type LogSink, stderrSink } from './logs';
import type { FunctionSpec, InvocationResult } from './types';
import { type InitOutcome, RUNTIME_SCRIPT, Worker } from './worker';

export interface FunctionPoolOptions {
  /** Workers that may run at once; invocations beyond them wait in order. @default 4 */
  readonly maxWorkers?: number;
  /** Stop a worker idle this long; undefined keeps idle workers until `stop()`. @default undefined */
  readonly idleTimeoutMs?: number;
  /** Where the functions' output lines and the pool's own notes go. @default stderrSink */
  readonly sink?: LogSink;
  /** The account in the function's ARN (`context.invokedFunctionArn`). @default '000000000000' */
  readonly accountId?: string;
  /**
   * The `node_modules` directory that stands in for Lambda's `/var/runtime/node_modules`, where a
   * bundle finds the AWS SDK it leaves external. @default this package's own node_modules
   */
  readonly sdkModulesDir?: string;
  /** Lambda's init phase limit: a worker whose module has not loaded by then fails init. @default 10_000 */
  readonly initTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. @default 2_000 */
  readonly stopGraceMs?: number;
}

/** What a pool is doing now. */
export interface PoolStats {
  /** Worker processes started and not yet exited. */
  readonly workers: number;
  /** Workers ready and waiting for an invocation. */
  readonly idle: number;
  /** Invocations waiting for a worker. */
  readonly queued: number;
}

const DEFAULT_SDK_MODULES = join(__dirname, '..', '..', 'node_modules');
const STOPPED = {
  ok: false,
  errorType: 'Runtime',
  errorMessage: 'the function pool is stopped',
} as const satisfies InvocationResult;

/**
 * The execution environments of one function: long-lived worker processes, each running the
 * function's bundled asset, each taking one invocation at a time. When every worker is busy another
 * starts, up to `maxWorkers`; beyond that invocations queue. A timeout, a crash or a failed init ends
 * a worker; the next invocation starts a fresh one, as Lambda starts a new execution environment.
 */
export class FunctionPool {
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly idleTimers = new Map<Worker, NodeJS.Timeout>();
  private readonly waiters: ((worker: Worker | undefined) => void)[] = [];
  private readonly maxWorkers: number;
  private readonly sink: LogSink;
  private readonly paths: WorkerPaths;
  private readonly arn: string;
  private lastInitFailure: string | undefined;
  private stopped = false;

  public constructor(
    public readonly spec: FunctionSpec,
    private readonly options: FunctionPoolOptions = {},
  ) {
    this.maxWorkers = options.maxWorkers ?? 4;
    if (!Number.isInteger(this.maxWorkers) || this.maxWorkers < 1) {
      throw new Error(`maxWorkers must be a positive integer, got ${options.maxWorkers}`);
    }
    this.sink = options.sink ?? stderrSink;
    this.paths = {
      runtimeDir: dirname(RUNTIME_SCRIPT),
      sdkModulesDir: options.sdkModulesDir ?? DEFAULT_SDK_MODULES,
      path: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    };
    const region = spec.environment.AWS_REGION ?? spec.environment.AWS_DEFAULT_REGION ?? 'us-east-1';
    this.arn = `arn:aws:lambda:${region}:${options.accountId ?? '000000000000'}:function:${spec.functionName}`;
  }

  /** The function's ARN, as `context.invokedFunctionArn` gives it. */
  public get functionArn(): string {
    return this.arn;
  }

  public stats(): PoolStats {
    return { workers: this.workers.size, idle: this.idle.length, queued: this.waiters.length };
  }

  /** Runs one invocation in a free worker, starting or waiting for one as needed. Never rejects. */
  public async invoke(event: unknown): Promise<InvocationResult> {
    const acquired = await this.acquire();
    if (!(acquired instanceof Worker)) return acquired;
    const result = await acquired.invoke(randomUUID(), event, this.arn);
    if (acquired.usable) this.release(acquired);
    return result;
  }

  /**
   * Starts one worker, if none is alive, and waits for its init, so the first invocation is not a
   * cold start. An init failure is returned (and logged once), never thrown.
   */
  public async prewarm(): Promise<InitOutcome> {
    if (this.stopped) return { ok: false, errorName: 'Runtime', errorMessage: STOPPED.errorMessage };
    if (this.workers.size > 0) return { ok: true };
    const worker = this.spawn();
    const outcome = await worker.ready;
    if (outcome.ok) this.release(worker);
    else this.noteInitFailure(outcome);
    return outcome;
  }

  /** Kills every worker this pool started (SIGTERM, then SIGKILL) and waits until each has exited. */
  public async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.waiters.splice(0)) wake(undefined);
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    this.idle.length = 0;
    await Promise.all([...this.workers].map((worker) => worker.stop(this.options.stopGraceMs)));
  }

  private async acquire(): Promise<Worker | InvocationResult> {
    for (;;) {
      if (this.stopped) return STOPPED;
      const idle = this.idle.pop();
      if (idle !== undefined) {
        this.clearIdleTimer(idle);
        if (idle.usable) return idle;
        continue;
      }
      if (this.workers.size < this.maxWorkers) {
        const worker = this.spawn();
        const outcome = await worker.ready;
        if (outcome.ok) return worker;
        this.noteInitFailure(outcome);
        return {
          ok: false,
          errorType: 'InitError',
          errorName: outcome.errorName,
          errorMessage: outcome.errorMessage,
        };
      }
      const handed = await new Promise<Worker | undefined>((wake) => this.waiters.push(wake));
      if (handed?.usable) return handed;
    }
  }

  private spawn(): Worker {
    const launch = {
      ...workerLaunch(this.spec, this.paths),
      initTimeoutMs: this.options.initTimeoutMs ?? 10_000,
    };
    const worker = new Worker(this.spec, launch, this.sink);
    this.workers.add(worker);
    void worker.exited.then(() => {
      this.workers.delete(worker);
      this.clearIdleTimer(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      // A slot is free: the first waiting invocation starts a worker in it.
      this.waiters.shift()?.(undefined);
    });
    void worker.ready.then((outcome) => {
      if (outcome.ok) this.lastInitFailure = undefined;
    });
    return worker;
  }

  /** Hands a worker to the first waiting invocation, or keeps it idle. */
  private release(worker: Worker): void {
    if (this.stopped) return;
    const wake = this.waiters.shift();
    if (wake !== undefined) {
      wake(worker);
      return;
    }
    this.idle.push(worker);
    if (this.options.idleTimeoutMs === undefined) return;
    const timer = setTimeout(() => {
      this.idleTimers.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at < 0) return;
      this.idle.splice(at, 1);
      void worker.stop(this.options.stopGraceMs);
    }, this.options.idleTimeoutMs);
    timer.unref();
    this.idleTimers.set(worker, timer);
  }

  private clearIdleTimer(worker: Worker): void {
    clearTimeout(this.idleTimers.get(worker));
    this.idleTimers.delete(worker);
  }

  /** Logs why init failed, once per failure: a function that keeps failing the same way says it once. */
  private noteInitFailure(outcome: InitOutcome & { readonly ok: false }): void {
    const why = `${outcome.errorName}: ${outcome.errorMessage}`;
    if (why === this.lastInitFailure) return;
    this.lastInitFailure = why;
    const { logicalId, functionName } = this.spec;
    this.sink({ logicalId, functionName, stream: 'pool', line: `init failed: ${why}` });
  }
}
