import { createHmac } from 'node:crypto';
import { needs } from './needs';

const HASH_BYTES = 32;

/**
 * HKDF-SHA256 (RFC 5869) from three or more HMAC calls. Hand-written
 * because node:crypto's hkdfSync costs about 20 µs a call here, most of it
 * job set-up, which made it the largest single cost of item encryption;
 * the tests check it byte for byte against hkdfSync.
 */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Buffer {
  needs(length > 0 && length <= 255 * HASH_BYTES, 'HKDF output length must be between 1 and 8160 bytes');
  const prk = createHmac('sha256', salt.length > 0 ? salt : Buffer.alloc(HASH_BYTES))
    .update(ikm)
    .digest();
  const blocks = Math.ceil(length / HASH_BYTES);
  const out = Buffer.allocUnsafe(blocks * HASH_BYTES);
  let previous: Buffer = Buffer.alloc(0);
  for (let i = 0; i < blocks; i++) {
    previous = createHmac('sha256', prk)
      .update(previous)
      .update(info)
      .update(Buffer.from([i + 1]))
      .digest();
    previous.copy(out, i * HASH_BYTES);
  }
  prk.fill(0);
  return length === out.length ? out : out.subarray(0, length);
}
