import { HOTP, Secret, TOTP, URI } from 'otpauth';
import * as z from 'zod';
import { ValidationError, VaultError } from './errors';

/** A TOTP code as GET /v1/secrets/{id}/totp answers it. */
export const totpCodeSchema = z.object({
  code: z.string(),
  /** Seconds a code lasts. */
  period: z.number().int(),
  /** Seconds the code has left. */
  remaining: z.number().int(),
});
export type TotpCode = z.infer<typeof totpCodeSchema>;

/**
 * The item is there but has no TOTP secret to compute a code from: 409, the
 * state of the item, not a missing address (404 stays for an unknown item).
 */
export class TotpAbsentError extends VaultError {
  public constructor() {
    super('totp_absent', 409, 'No TOTP secret', 'This secret has no TOTP secret.');
    this.name = 'TotpAbsentError';
  }
}

const STEAM_ALPHABET = '23456789BCDFGHJKMNPQRTVWXY';

/**
 * The current code of an item's TOTP secret (RFC 6238): a bare base32
 * secret (SHA1, 6 digits, 30 s), an `otpauth://totp/` URI with its
 * algorithm (SHA1, SHA256, SHA512), digits (6–8) and period, or a Steam
 * Guard secret (`steam://<base32>`, or an otpauth URI with `encoder=steam`).
 * The otpauth library parses and computes; Steam's five-letter codes are
 * written here, since no library of its own is worth a dependency: they are
 * HOTP's dynamic truncation (the 31-bit number, which a 10-digit HOTP code
 * is, whole, as it is below 10^10) spelt in Steam's 26-letter alphabet.
 * A secret that does not parse is a 400 naming the field, never quoting it.
 */
export function totpCode(secret: string, now: number): TotpCode {
  const trimmed = secret.trim();
  const steam = /^steam:\/\//i.test(trimmed) || /[?&]encoder=steam(?:&|$)/i.test(trimmed);
  const totp = parse(steam && /^steam:\/\//i.test(trimmed) ? trimmed.slice('steam://'.length) : trimmed);
  const period = totp.period;
  const remaining = period - (Math.floor(now / 1000) % period);
  if (!steam) return { code: totp.generate({ timestamp: now }), period, remaining };
  let full = Number(
    HOTP.generate({
      secret: totp.secret,
      algorithm: 'SHA1',
      digits: 10,
      counter: Math.floor(now / 1000 / period),
    }),
  );
  let code = '';
  for (let i = 0; i < 5; i++) {
    code += STEAM_ALPHABET[full % STEAM_ALPHABET.length];
    full = Math.floor(full / STEAM_ALPHABET.length);
  }
  return { code, period, remaining };
}

function parse(secret: string): TOTP {
  try {
    if (/^otpauth:\/\//i.test(secret)) {
      const otp = URI.parse(secret);
      if (!(otp instanceof TOTP)) throw new Error('HOTP');
      if (otp.digits < 6 || otp.digits > 8) throw new Error('digits');
      return otp;
    }
    const base32 = secret.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
    if (!/^[A-Z2-7]+$/.test(base32)) throw new Error('not base32');
    return new TOTP({ secret: Secret.fromBase32(base32) });
  } catch {
    const message = 'is not a TOTP secret: base32, an otpauth://totp/ URI (6–8 digits) or steam://';
    throw new ValidationError(`totp ${message}.`, [{ path: 'totp', message }]);
  }
}
