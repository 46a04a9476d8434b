/** One line a function wrote, or one line the pool writes about a function. */
export interface FunctionLogLine {
  readonly logicalId: string;
  readonly functionName: string;
  /** `stdout`/`stderr`: the function's own output (its JSON logs); `pool`: the local stack about it. */
  readonly stream: 'stdout' | 'stderr' | 'pool';
  readonly line: string;
}

/** Where workers' output goes, line by line. */
export type LogSink = (entry: FunctionLogLine) => void;

/** The default sink: each line on this process's stderr, prefixed with the function's name. */
export const stderrSink: LogSink = (entry) => {
  process.stderr.write(`[${entry.functionName}] ${entry.line}\n`);
};

/** Function logs on this process's stdout, one line each, prefixed with the function's name. */
export const stdoutSink: LogSink = (entry) => {
  // A function's JSON log line is written as Lambda sends it to CloudWatch (it names its service);
  // anything else (a crash, the local stack's own note) says which function it came from.
  const json = entry.line.startsWith('{');
  process.stdout.write(json ? `${entry.line}\n` : `[${entry.functionName}] ${entry.line}\n`);
};
