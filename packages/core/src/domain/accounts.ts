import { COMMON_PASSWORDS_TEXT } from './data/common-passwords';
import { ValidationError } from './errors';

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 64;
export const PASSWORD_MIN = 8;
export const PASSWORD_RECOMMENDED = 15;
export const PASSWORD_MAX = 256;

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  common ??= new Set(COMMON_PASSWORDS_TEXT.split('\n'));
  return common;
}

/** The number of common passwords shipped (ASVS 5 asks for the top 3,000 at least). */
export function commonPasswordCount(): number {
  return commonPasswords().size;
}

export interface NormalisedUsername {
  /** As shown: trimmed, NFKC. */
  readonly display: string;
  /** For uniqueness and lookups: the display form, case-folded. */
  readonly key: string;
}

/** Usernames: trimmed, NFKC, 3–64 characters, no control characters; unique without regard to case. */
export function normaliseUsername(raw: string): NormalisedUsername {
  const display = raw.normalize('NFKC').trim();
  const length = [...display].length;
  if (length < USERNAME_MIN || length > USERNAME_MAX) {
    throw new ValidationError(`The username must be ${USERNAME_MIN} to ${USERNAME_MAX} characters.`, [
      { path: 'username', message: `must be ${USERNAME_MIN} to ${USERNAME_MAX} characters` },
    ]);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (/[\u0000-\u001f\u007f-\u009f]/.test(display)) {
    throw new ValidationError('The username must not contain control characters.', [
      { path: 'username', message: 'must not contain control characters' },
    ]);
  }
  return { display, key: display.toLowerCase() };
}

/**
 * Login password policy (OWASP ASVS 5, V6.2): at least 8 characters (15
 * recommended), up to 256, any Unicode including spaces, no composition
 * rules, not among the most common passwords.
 */
export function checkPasswordPolicy(password: string, field = 'password'): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN) {
    throw new ValidationError(
      `The password must be at least ${PASSWORD_MIN} characters; ${PASSWORD_RECOMMENDED} or more is recommended.`,
      [
        {
          path: field,
          message: `must be at least ${PASSWORD_MIN} characters (${PASSWORD_RECOMMENDED} or more recommended)`,
        },
      ],
    );
  }
  if (length > PASSWORD_MAX) {
    throw new ValidationError(`The password must be at most ${PASSWORD_MAX} characters.`, [
      { path: field, message: `must be at most ${PASSWORD_MAX} characters` },
    ]);
  }
  if (commonPasswords().has(password.normalize('NFKC').toLowerCase())) {
    throw new ValidationError('This password is one of the most common passwords; choose another.', [
      { path: field, message: 'is one of the most common passwords' },
    ]);
  }
}
