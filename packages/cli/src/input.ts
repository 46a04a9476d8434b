import { CliError, EXIT } from './errors';

/** Reads all of stdin as text. */
export function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stdin.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
    stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stdin.on('error', reject);
  });
}

/**
 * Asks for a password on the terminal without echoing it (raw mode: the
 * terminal shows nothing while it is typed). Ctrl-C, or Ctrl-D on an empty
 * line, cancels.
 */
export function readPassword(
  prompt: string,
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => void },
  stderr: NodeJS.WritableStream,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    // Echo goes off before the prompt shows, so nothing typed after it is echoed.
    stdin.setRawMode?.(true);
    stderr.write(prompt);
    stdin.resume();
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003' || (ch === '\u0004' && value.length === 0)) {
          finish();
          reject(new CliError('cancelled', EXIT.usage));
          return;
        }
        if (ch === '\u0004') continue;
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const onEnd = () => {
      finish();
      reject(new CliError('no password given: the input ended', EXIT.usage));
    };
    const finish = () => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
    };
    stdin.on('data', onData);
    stdin.on('end', onEnd);
  });
}

/**
 * Asks for one line on the terminal, echoed (a confirmation, never a
 * secret). The input ending first cancels.
 */
export function readLine(
  prompt: string,
  stdin: NodeJS.ReadableStream,
  stderr: NodeJS.WritableStream,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    stderr.write(prompt);
    stdin.resume();
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      const end = text.search(/[\r\n]/);
      if (end === -1) {
        value += text;
        return;
      }
      finish();
      resolve(value + text.slice(0, end));
    };
    const onEnd = () => {
      finish();
      reject(new CliError('cancelled: the input ended', EXIT.usage));
    };
    const finish = () => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
    };
    stdin.on('data', onData);
    stdin.on('end', onEnd);
  });
}
