import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LogSink } from './logs';
import type { FunctionSpec, InvocationResult } from './types';

/** The line Lambda's runtime writes when an invocation ends; the worker writes it to both streams. */
const END_LINE = /^END RequestId: ([\w-]+)$/;

/** The worker runtime script, run by plain `node`. */
export const RUNTIME_SCRIPT = join(__dirname, 'runtime.cjs');

/** How a worker's init (loading the module and finding the handler) ended. */
export type InitOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly errorName: string; readonly errorMessage: string };

/** What the worker runtime sends its parent (see runtime.cjs). */
type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly errorName: string; readonly errorMessage: string }
  | { readonly type: 'result'; readonly requestId: string; readonly payload: string }
  | {
      readonly type: 'error';
      readonly requestId: string;
      readonly errorName: string;
      readonly errorMessage: string;
    };

/** How to start one worker. */
export interface WorkerStart {
  readonly env: Readonly<Record<string, string>>;
  readonly execArgv: readonly string[];
  /** Lambda's init phase limit: a worker not ready by then is killed. */
  readonly initTimeoutMs: number;
}

interface Pending {
  readonly requestId: string;
  readonly resolve: (result: InvocationResult) => void;
  readonly timer: NodeJS.Timeout;
}

/** Every worker process alive in this process, killed if this process exits without stopping them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/**
 * One worker process: a function's execution environment. It runs one invocation at a time; a
 * timeout kills it, as Lambda ends the environment of a timed-out invocation.
 */
export class Worker {
  /** Resolves once init has succeeded or failed; never rejects. */
  public readonly ready: Promise<InitOutcome>;
  /** Resolves when the process has exited; never rejects. */
  public readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private pending: Pending | undefined;
  /** The pending invocation's result, held until its END lines arrive. */
  private result: InvocationResult | undefined;
  /** The request id of the last END line seen on each stream. */
  private readonly ended = { stdout: '', stderr: '' };
  private initOutcome: InitOutcome | undefined;
  private exitDescription: string | undefined;
  private stopping: Promise<void> | undefined;
  private timedOut = false;

  public constructor(
    private readonly spec: FunctionSpec,
    launch: WorkerStart,
    sink: LogSink,
  ) {
    this.child = fork(RUNTIME_SCRIPT, [], {
      cwd: spec.assetDir,
      env: { ...launch.env },
      // Set explicitly: fork would otherwise hand the worker this process's flags (jest, tsx).
      execArgv: [...launch.execArgv],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    track(this.child);
    for (const stream of ['stdout', 'stderr'] as const) {
      const input = this.child[stream];
      if (input === null) continue;
      createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
        const end = END_LINE.exec(line);
        if (end === null) {
          sink({ logicalId: spec.logicalId, functionName: spec.functionName, stream, line });
          return;
        }
        this.ended[stream] = end[1] as string;
        this.answerWhenLogged();
      });
    }
    let settleInit: (outcome: InitOutcome) => void = () => {};
    const initTimer = setTimeout(() => {
      const seconds = (launch.initTimeoutMs / 1000).toFixed(2);
      settleInit({
        ok: false,
        errorName: 'Sandbox.Timedout',
        errorMessage: `Init timed out after ${seconds} seconds`,
      });
      this.child.kill('SIGKILL');
    }, launch.initTimeoutMs);
    this.ready = new Promise((resolve) => {
      settleInit = (outcome) => {
        if (this.initOutcome !== undefined) return;
        clearTimeout(initTimer);
        this.initOutcome = outcome;
        resolve(outcome);
      };
    });
    this.exited = new Promise((resolve) => {
      const onGone = (description: string) => {
        if (this.exitDescription !== undefined) return;
        this.exitDescription = description;
        settleInit({ ok: false, errorName: 'Runtime.ExitError', errorMessage: description });
        this.settle({
          ok: false,
          errorType: 'Runtime',
          errorName: 'Runtime.ExitError',
          errorMessage: description,
        });
        resolve();
      };
      this.child.once('exit', (code, signal) =>
        onGone(`Runtime exited with error: ${signal === null ? `exit status ${code}` : `signal: ${signal}`}`),
      );
      // Without a pid the process never started and no 'exit' follows; other errors (a failed
      // kill or send) leave a process whose 'exit' is still to come.
      this.child.on('error', (err) => {
        if (this.child.pid === undefined) onGone(`Runtime could not start: ${err.message}`);
      });
    });
    this.child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') settleInit({ ok: true });
      else if (message.type === 'init-error') {
        settleInit({ ok: false, errorName: message.errorName, errorMessage: message.errorMessage });
      } else if (message.requestId === this.pending?.requestId) {
        this.answerWhenLogged(
          message.type === 'result'
            ? { ok: true, payload: JSON.parse(message.payload) as unknown }
            : {
                ok: false,
                errorType: 'Unhandled',
                errorName: message.errorName,
                errorMessage: message.errorMessage,
              },
        );
      }
    });
  }

  public get pid(): number | undefined {
    return this.child.pid;
  }

  /** Ready, alive and not stopping: it may take an invocation. */
  public get usable(): boolean {
    return (
      this.initOutcome?.ok === true &&
      this.exitDescription === undefined &&
      this.stopping === undefined &&
      !this.timedOut
    );
  }

  /** Runs one invocation; the worker must be `usable` and idle. Never rejects. */
  public invoke(requestId: string, event: unknown, invokedFunctionArn: string): Promise<InvocationResult> {
    if (this.pending !== undefined) throw new Error('a worker runs one invocation at a time');
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timedOut = true;
        this.settle({
          ok: false,
          errorType: 'Timeout',
          errorName: 'Sandbox.Timedout',
          errorMessage: `Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`,
        });
        // Lambda ends a timed-out environment; the next invocation gets a fresh one.
        this.child.kill('SIGKILL');
      }, timeoutMs);
      this.pending = { requestId, resolve, timer };
      if (this.exitDescription !== undefined) return this.settle(this.gone());
      const message = {
        type: 'invoke',
        requestId,
        event,
        deadlineMs: Date.now() + timeoutMs,
        invokedFunctionArn,
      };
      this.child.send(message, (err) => {
        if (err !== null) this.settle(this.gone());
      });
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  public stop(graceMs = 2_000): Promise<void> {
    this.stopping ??= (async () => {
      if (this.exitDescription !== undefined) return;
      this.child.kill('SIGTERM');
      const force = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(force);
    })();
    return this.stopping;
  }

  private gone(): InvocationResult {
    const errorMessage = this.exitDescription ?? 'Runtime exited without an answer';
    return { ok: false, errorType: 'Runtime', errorName: 'Runtime.ExitError', errorMessage };
  }

  /**
   * Answers the invocation once its result has come and its END line has
   * come through stdout and stderr, so every log line it wrote was passed on first.
   */
  private answerWhenLogged(result?: InvocationResult): void {
    const pending = this.pending;
    if (pending === undefined) return;
    if (result !== undefined) this.result = result;
    if (this.result === undefined) return;
    if (this.ended.stdout !== pending.requestId || this.ended.stderr !== pending.requestId) return;
    this.settle(this.result);
  }

  private settle(result: InvocationResult): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    this.result = undefined;
    clearTimeout(pending.timer);
    pending.resolve(result);
  }
}
