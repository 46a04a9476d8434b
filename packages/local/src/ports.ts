import type { Server } from 'node:http';
import { createServer } from 'node:net';

/** A port that was free on 127.0.0.1 a moment ago (callers retry if it is taken meanwhile). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Listens on 127.0.0.1 only, on `port` (0: a free one); resolves with the base URL. */
export async function listenLocal(server: Server, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return urlOf(server);
}

export function urlOf(server: Server): string {
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('the server is not listening');
  return `http://127.0.0.1:${address.port}`;
}

/** Stops accepting, drops open connections, and resolves once closed. */
export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
