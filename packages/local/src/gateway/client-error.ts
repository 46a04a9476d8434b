import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { problemResult, ValidationError, VaultError } from '@kmsvault/core';

/**
 * Answers a request that Node's HTTP server refused before any handler saw it
 * with problem+json, as every other error, instead of Node's bare status line:
 * 431 for a request line and headers over Node's 16 KB limit, 408 when the
 * request did not arrive in time, 400 for malformed HTTP.
 */
export function clientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const error =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new VaultError(
          'header_fields_too_large',
          431,
          'Request header fields too large',
          'The request line and headers together are too large.',
        )
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new VaultError('request_timeout', 408, 'Request timeout', 'The request did not arrive in time.')
        : new ValidationError('The request is not valid HTTP.');
  const result = problemResult(error);
  const head = Object.entries({
    ...result.headers,
    'content-length': Buffer.byteLength(result.body),
    connection: 'close',
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${result.statusCode} ${STATUS_CODES[result.statusCode]}\r\n${head}\r\n${result.body}`);
}
