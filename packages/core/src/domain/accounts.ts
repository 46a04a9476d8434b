import { COMMON_PASSWORDS_TEXT } from './data/common-passwords';
import { ValidationError } from './errors';
import { codePointName, enforceUsernameCaseMapped, type UsernameRule } from './precis';
import { mixedScripts } from './single-script';

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

/**
 * The lookup rule: trimmed, NFKC, 3–64 characters, no control characters;
 * the key is the display form in lower case. Login and password change use
 * it, and it is the rule every account made before the PRECIS rules passed,
 * so those accounts keep logging in even where their name would now be
 * refused. Only signup applies the stricter `normaliseNewUsername`.
 */
export function normaliseUsername(raw: string): NormalisedUsername {
  const display = raw.normalize('NFKC').trim();
  checkLength(display);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (/[\u0000-\u001f\u007f-\u009f]/.test(display)) {
    throw new ValidationError('The username must not contain control characters.', [
      { path: 'username', message: 'must not contain control characters' },
    ]);
  }
  return { display, key: display.toLowerCase() };
}

/** The rules a new username must follow, as the 400 names them. */
export type NewUsernameRule = UsernameRule | 'single-script' | 'stable';

const RULE_TITLES: Readonly<Record<NewUsernameRule, string>> = {
  identifier: 'PRECIS IdentifierClass rule (RFC 8264)',
  context: 'PRECIS context rule (RFC 5892)',
  bidi: 'bidi rule (RFC 5893)',
  'single-script': 'single-script rule (Unicode UTS #39)',
  stable: 'stable-form rule',
};

/**
 * The signup rule: RFC 8265 PRECIS UsernameCaseMapped (width mapping, letters
 * and digits of any script plus ASCII punctuation, no spaces, no invisible,
 * control or compatibility characters, lower case, NFC, the Bidi Rule), plus
 * one script per username (UTS #39; Common and Inherited characters go with
 * any), trimmed, 3–64 characters. The key is the lookup rule's key, which for
 * every name this accepts is also the PRECIS-mapped form, so login finds it.
 * A name that breaks a rule is a 400 naming the rule and the code point.
 */
export function normaliseNewUsername(raw: string): NormalisedUsername {
  const trimmed = raw.trim();
  const precis = enforceUsernameCaseMapped(trimmed);
  checkLength(precis.preserved);
  if (precis.violation !== undefined) refuse(precis.violation.rule, precis.violation.reason);
  const mixed = mixedScripts(precis.preserved);
  if (mixed !== undefined) {
    refuse(
      'single-script',
      `it mixes ${mixed.firstScripts.join('/')} (${codePointName(mixed.first)}) with ${mixed.otherScripts.join('/')} (${codePointName(mixed.other)}); use one script`,
    );
  }
  const lookup = normaliseUsername(raw);
  // Login looks names up by the lookup rule's key: it must be the PRECIS form.
  if (lookup.key !== precis.mapped)
    refuse('stable', 'the username does not keep one form under Unicode normalisation');
  return { display: precis.preserved, key: lookup.key };
}

function refuse(rule: NewUsernameRule, reason: string): never {
  throw new ValidationError(`The username breaks the ${RULE_TITLES[rule]}: ${reason}.`, [
    { path: 'username', message: `breaks the ${rule} rule: ${reason}` },
  ]);
}

function checkLength(display: string): void {
  const length = [...display].length;
  if (length < USERNAME_MIN || length > USERNAME_MAX) {
    throw new ValidationError(`The username must be ${USERNAME_MIN} to ${USERNAME_MAX} characters.`, [
      { path: 'username', message: `must be ${USERNAME_MIN} to ${USERNAME_MAX} characters` },
    ]);
  }
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
