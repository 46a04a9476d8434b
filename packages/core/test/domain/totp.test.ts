import { ValidationError } from '../../src/domain/errors';
import { totpCode } from '../../src/domain/totp';

/** steam-totp, an independent implementation of Steam Guard codes (it ships no types). */
const SteamTotp = require('steam-totp') as {
  generateAuthCode(sharedSecret: string, timeOffset: number): string;
};

/** RFC 4648 base32 of ASCII text (the RFC 6238 seeds are ASCII). */
function base32(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...Buffer.from(text)].map((b) => b.toString(2).padStart(8, '0')).join('');
  let out = '';
  for (let i = 0; i < bits.length; i += 5)
    out += alphabet[Number.parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out;
}

const SEEDS = {
  SHA1: base32('12345678901234567890'),
  SHA256: base32('12345678901234567890123456789012'),
  SHA512: base32('1234567890123456789012345678901234567890123456789012345678901234'),
};

describe('TOTP codes', () => {
  // RFC 6238 Appendix B, every row: time (s), then the 8-digit code for SHA1, SHA256, SHA512.
  it.each([
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ])('gives RFC 6238 test vector codes at %i s', (seconds, sha1, sha256, sha512) => {
    const at = seconds * 1000;
    const uri = (algorithm: keyof typeof SEEDS) =>
      `otpauth://totp/RFC:test?secret=${SEEDS[algorithm]}&algorithm=${algorithm}&digits=8&period=30`;
    expect(totpCode(uri('SHA1'), at).code).toBe(sha1);
    expect(totpCode(uri('SHA256'), at).code).toBe(sha256);
    expect(totpCode(uri('SHA512'), at).code).toBe(sha512);
  });

  it('reads a bare base32 secret (spaces, lower case, padding allowed) as SHA1, 6 digits, 30 s, with the seconds left', () => {
    expect(totpCode(SEEDS.SHA1.toLowerCase().replace(/(.{4})/g, '$1 '), 59_000)).toEqual({
      code: '287082',
      period: 30,
      remaining: 1,
    });
    expect(totpCode(`otpauth://totp/x?secret=${SEEDS.SHA1}&period=60`, 61_000)).toMatchObject({
      period: 60,
      remaining: 59,
    });
  });

  it('gives Steam Guard codes as the steam-totp package does, from steam:// and encoder=steam', () => {
    const seed = 'steam shared secret!';
    const secret = base32(seed);
    for (const seconds of [0, 59, 1_700_000_000, 2_000_000_000]) {
      jest.spyOn(Date, 'now').mockReturnValue(seconds * 1000);
      const expected = SteamTotp.generateAuthCode(Buffer.from(seed).toString('base64'), 0);
      jest.restoreAllMocks();
      expect(expected).toMatch(/^[23456789BCDFGHJKMNPQRTVWXY]{5}$/);
      expect(totpCode(`steam://${secret}`, seconds * 1000).code).toBe(expected);
      expect(
        totpCode(`otpauth://totp/Steam:al?secret=${secret}&issuer=Steam&encoder=steam`, seconds * 1000).code,
      ).toBe(expected);
    }
  });

  it.each([
    ['not base32 at all!'],
    ['otpauth://hotp/x?secret=JBSWY3DP&counter=1'],
    ['otpauth://totp/x?secret=JBSWY3DP&digits=10'],
    ['otpauth://totp/x'],
    [''],
  ])('refuses %j as a 400 naming the field, never quoting it', (secret) => {
    let error: unknown;
    try {
      totpCode(secret, 0);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual([{ path: 'totp', message: expect.any(String) }]);
    if (secret !== '') expect(JSON.stringify((error as ValidationError).errors)).not.toContain(secret);
  });
});
