import { hkdfSync, randomBytes } from 'node:crypto';
import { hkdfSha256 } from '../../src/crypto/hkdf';
import { randomBytesFast } from '../../src/crypto/random';

describe('Function: hkdfSha256', () => {
  it('matches node:crypto hkdfSync byte for byte', () => {
    for (const length of [1, 16, 32, 33, 64, 100, 255]) {
      for (let i = 0; i < 20; i++) {
        const ikm = randomBytes(32);
        const salt = i % 5 === 0 ? Buffer.alloc(0) : randomBytes(16);
        const info = randomBytes(i * 7);
        expect(hkdfSha256(ikm, salt, info, length)).toEqual(
          Buffer.from(hkdfSync('sha256', ikm, salt, info, length)),
        );
      }
    }
  });

  it('matches the RFC 5869 test case 1', () => {
    const okm = hkdfSha256(
      Buffer.from('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b', 'hex'),
      Buffer.from('000102030405060708090a0b0c', 'hex'),
      Buffer.from('f0f1f2f3f4f5f6f7f8f9', 'hex'),
      42,
    );
    expect(okm.toString('hex')).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  describe('preconditions', () => {
    it('HKDF output length must be between 1 and 8160 bytes', () => {
      expect(() => hkdfSha256(randomBytes(32), randomBytes(16), Buffer.alloc(0), 0)).toThrow(
        'HKDF output length must be between 1 and 8160 bytes',
      );
      expect(() => hkdfSha256(randomBytes(32), randomBytes(16), Buffer.alloc(0), 8161)).toThrow(
        'HKDF output length must be between 1 and 8160 bytes',
      );
    });
  });
});

describe('Function: randomBytesFast', () => {
  it('hands out fresh bytes each time, across pool refills, and large requests too', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const iv = randomBytesFast(12);
      expect(iv).toHaveLength(12);
      seen.add(iv.toString('hex'));
    }
    expect(seen.size).toBe(5000);
    expect(randomBytesFast(10_000)).toHaveLength(10_000);
  });

  it('returns copies: a later refill does not change bytes already handed out', () => {
    const held = randomBytesFast(16);
    const copy = Buffer.from(held);
    for (let i = 0; i < 3000; i++) randomBytesFast(16);
    expect(held).toEqual(copy);
  });
});
