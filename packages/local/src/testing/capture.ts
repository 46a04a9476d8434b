/**
 * Captures everything written to stdout and stderr (Powertools Logger writes
 * INFO and DEBUG to stdout, WARN and ERROR to stderr) until `restore()`, so a
 * suite can prove what its logs never contain.
 */
export function captureStdout(): { text(): string; restore(): void } {
  const chunks: string[] = [];
  const originals = {
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
  };
  const capture = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  return {
    text: () => chunks.join(''),
    restore: () => {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}
