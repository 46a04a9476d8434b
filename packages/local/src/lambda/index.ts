export { EXECUTION_ENV, memoryArgs, type WorkerLaunch, type WorkerPaths, workerLaunch } from './environment';
export { LocalInvoker } from './invoker';
export { type FunctionLogLine, type LogSink, stderrSink, stdoutSink } from './logs';
export { FunctionPool, type FunctionPoolOptions, type PoolStats } from './pool';
export type { FunctionSpec, InvocationResult, Invoker } from './types';
export { type InitOutcome, RUNTIME_SCRIPT } from './worker';
