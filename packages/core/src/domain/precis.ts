/**
 * RFC 8265 PRECIS UsernameCaseMapped profile (IdentifierClass of RFC 8264),
 * written by hand with Unicode property escapes: npm has no maintained PRECIS
 * implementation (precis-js implements RFC 7564, which RFC 8264 obsoleted, is
 * CoffeeScript output from 2015 carrying its own Unicode tables, and the
 * registry answers 404 for it today). The Unicode version is the Node
 * runtime's.
 *
 * Stricter than the RFC, on purpose: the join controls ZWJ and ZWNJ
 * (CONTEXTJ) are refused everywhere, being invisible. Approximate, of
 * necessity: JavaScript has no Bidi_Class property, so the Bidi Rule
 * classifies characters by script and category (right for ASCII and for the
 * letters, digits and marks of Arabic, Hebrew and the other right-to-left
 * scripts; a few Common modifier letters count as L where Unicode says ON).
 */

/** Which rule a username broke, as the 400 names it. */
export type UsernameRule = 'identifier' | 'context' | 'bidi';

export interface PrecisViolation {
  readonly rule: UsernameRule;
  /** What is wrong, naming code points as U+XXXX, never printing them. */
  readonly reason: string;
}

export interface PrecisResult {
  /** UsernameCasePreserved: width-mapped, NFC; what the user sees. */
  readonly preserved: string;
  /** UsernameCaseMapped: width-mapped, lower case, NFC; what uniqueness compares. */
  readonly mapped: string;
  readonly violation?: PrecisViolation;
}

/** Enforces UsernameCaseMapped (RFC 8265 §3.4): width map, check IdentifierClass, lower-case, NFC, contexts, Bidi Rule. */
export function enforceUsernameCaseMapped(input: string): PrecisResult {
  const widthMapped = [...input].map(widthMap).join('');
  const preserved = widthMapped.normalize('NFC');
  const mapped = widthMapped.toLowerCase().normalize('NFC');
  const violation = identifierViolation(widthMapped) ?? contextViolation(mapped) ?? bidiViolation(mapped);
  return violation === undefined ? { preserved, mapped } : { preserved, mapped, violation };
}

/** `U+200B`, for messages: code points are named, never printed (they may be invisible or reorder text). */
export function codePointName(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

// ---- width mapping (RFC 8265 §3.3.1 rule 1) ---------------------------------

/** Fullwidth and halfwidth forms to their decomposition (U+3000 and U+FF01–U+FFEE are exactly those). */
function widthMap(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return cp === 0x3000 || (cp >= 0xff01 && cp <= 0xffee) ? ch.normalize('NFKC') : ch;
}

// ---- IdentifierClass (RFC 8264 §9, derived properties in §8 order) ----------

type Derived = 'PVALID' | 'CONTEXTJ' | 'CONTEXTO' | 'DISALLOWED';

/** RFC 5892 §2.6 exceptions, which take precedence over every other rule. */
const EXCEPTIONS = new Map<number, Derived>([
  [0x00df, 'PVALID'],
  [0x03c2, 'PVALID'],
  [0x06fd, 'PVALID'],
  [0x06fe, 'PVALID'],
  [0x0f0b, 'PVALID'],
  [0x3007, 'PVALID'],
  [0x00b7, 'CONTEXTO'],
  [0x0375, 'CONTEXTO'],
  [0x05f3, 'CONTEXTO'],
  [0x05f4, 'CONTEXTO'],
  [0x30fb, 'CONTEXTO'],
  [0x0640, 'DISALLOWED'],
  [0x07fa, 'DISALLOWED'],
  [0x302e, 'DISALLOWED'],
  [0x302f, 'DISALLOWED'],
  [0x3031, 'DISALLOWED'],
  [0x3032, 'DISALLOWED'],
  [0x3033, 'DISALLOWED'],
  [0x3034, 'DISALLOWED'],
  [0x3035, 'DISALLOWED'],
  [0x303b, 'DISALLOWED'],
]);
const ARABIC_INDIC_DIGIT = /[\u0660-\u0669]/u;
const EXTENDED_ARABIC_INDIC_DIGIT = /[\u06f0-\u06f9]/u;
const ASCII7 = /[\u0021-\u007e]/u;
const OLD_HANGUL_JAMO = /[\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff]/u;
const LETTER_DIGITS = /[\p{Ll}\p{Lu}\p{Lo}\p{Nd}\p{Lm}\p{Mn}\p{Mc}]/u;

function derivedProperty(ch: string): Derived {
  const exception = EXCEPTIONS.get(ch.codePointAt(0) ?? 0);
  if (exception !== undefined) return exception;
  if (ARABIC_INDIC_DIGIT.test(ch) || EXTENDED_ARABIC_INDIC_DIGIT.test(ch)) return 'CONTEXTO';
  if (/\p{Cn}/u.test(ch)) return 'DISALLOWED'; // unassigned
  if (ASCII7.test(ch)) return 'PVALID';
  if (/\p{Join_Control}/u.test(ch)) return 'CONTEXTJ';
  if (OLD_HANGUL_JAMO.test(ch)) return 'DISALLOWED';
  if (/[\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}]/u.test(ch)) return 'DISALLOWED';
  if (/\p{Cc}/u.test(ch)) return 'DISALLOWED';
  if (ch.normalize('NFKC') !== ch) return 'DISALLOWED'; // HasCompat
  if (LETTER_DIGITS.test(ch)) return 'PVALID';
  return 'DISALLOWED'; // other letters and digits, spaces, symbols, punctuation, private use, surrogates
}

/** Kinds of refused code points, first match wins, for messages. */
const KINDS: readonly [(ch: string) => boolean, string][] = [
  [(ch) => /\p{Join_Control}/u.test(ch), 'an invisible joiner'],
  [(ch) => /\p{Bidi_Control}/u.test(ch), 'a bidirectional control character'],
  [(ch) => /\p{Cc}/u.test(ch), 'a control character'],
  [(ch) => /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u.test(ch), 'an invisible formatting character'],
  [(ch) => /\p{White_Space}/u.test(ch), 'a space'],
  [(ch) => /[\p{Extended_Pictographic}\p{Regional_Indicator}]/u.test(ch), 'an emoji'],
  [(ch) => /\p{Cn}/u.test(ch), 'an unassigned code point'],
  [(ch) => /\p{Co}/u.test(ch), 'a private-use character'],
  [(ch) => /\p{Cs}/u.test(ch), 'a lone surrogate'],
  [(ch) => ch.normalize('NFKC') !== ch, 'a compatibility form of another character'],
  [(ch) => /\p{S}/u.test(ch), 'a symbol'],
  [(ch) => /\p{P}/u.test(ch), 'punctuation outside ASCII'],
];

/** A refused code point in words: `U+200B (an invisible formatting character)`. */
function describe(ch: string): string {
  const kind = KINDS.find(([matches]) => matches(ch))?.[1] ?? 'a character PRECIS identifiers do not allow';
  return `${codePointName(ch)} (${kind})`;
}

function identifierViolation(s: string): PrecisViolation | undefined {
  for (const ch of s) {
    const derived = derivedProperty(ch);
    if (derived === 'DISALLOWED') {
      return {
        rule: 'identifier',
        reason: `${describe(ch)} is not allowed; use letters, digits and ASCII punctuation, without spaces`,
      };
    }
    if (derived === 'CONTEXTJ') {
      return { rule: 'context', reason: `${describe(ch)} is not allowed` };
    }
  }
  return undefined;
}

// ---- CONTEXTO rules (RFC 5892 Appendix A) -----------------------------------

function contextViolation(s: string): PrecisViolation | undefined {
  const chars = [...s];
  const hasArabicIndic = chars.some((c) => ARABIC_INDIC_DIGIT.test(c));
  const hasExtended = chars.some((c) => EXTENDED_ARABIC_INDIC_DIGIT.test(c));
  for (const [i, ch] of chars.entries()) {
    const before = chars[i - 1] ?? '';
    const after = chars[i + 1] ?? '';
    const fail = (why: string): PrecisViolation => ({
      rule: 'context',
      reason: `${codePointName(ch)} ${why}`,
    });
    switch (ch.codePointAt(0)) {
      case 0x00b7:
        if (before !== 'l' || after !== 'l') return fail('(middle dot) is allowed only between two l');
        break;
      case 0x0375:
        if (!/\p{Script=Greek}/u.test(after))
          return fail('(Greek keraia) must be followed by a Greek letter');
        break;
      case 0x05f3:
      case 0x05f4:
        if (!/\p{Script=Hebrew}/u.test(before)) return fail('(Hebrew geresh) must follow a Hebrew letter');
        break;
      case 0x30fb:
        if (!chars.some((c) => /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u.test(c)))
          return fail('(katakana middle dot) needs Hiragana, Katakana or Han beside it');
        break;
    }
  }
  if (hasArabicIndic && hasExtended) {
    return {
      rule: 'context',
      reason:
        'Arabic-Indic digits (U+0660–U+0669) and extended Arabic-Indic digits (U+06F0–U+06F9) must not be mixed',
    };
  }
  return undefined;
}

// ---- the Bidi Rule (RFC 5893 §2), which RFC 8265 applies --------------------

type BidiClass = 'L' | 'R' | 'AN' | 'EN' | 'ES' | 'CS' | 'ET' | 'ON' | 'NSM';

/** Scripts written right to left; their letters and digits are R or AL, which the rule treats alike. */
const RTL_SCRIPTS = [
  'Adlam',
  'Arabic',
  'Avestan',
  'Chorasmian',
  'Cypriot',
  'Elymaic',
  'Hanifi_Rohingya',
  'Hatran',
  'Hebrew',
  'Imperial_Aramaic',
  'Inscriptional_Pahlavi',
  'Inscriptional_Parthian',
  'Kharoshthi',
  'Lydian',
  'Mandaic',
  'Manichaean',
  'Mende_Kikakui',
  'Meroitic_Cursive',
  'Meroitic_Hieroglyphs',
  'Nabataean',
  'Nko',
  'Old_Hungarian',
  'Old_North_Arabian',
  'Old_Sogdian',
  'Old_South_Arabian',
  'Old_Turkic',
  'Old_Uyghur',
  'Palmyrene',
  'Phoenician',
  'Psalter_Pahlavi',
  'Samaritan',
  'Sogdian',
  'Syriac',
  'Thaana',
  'Yezidi',
];
const RTL = new RegExp(`[${RTL_SCRIPTS.map((s) => `\\p{Script=${s}}`).join('')}]`, 'u');
/** Arabic-Indic digits and Hanifi Rohingya digits are AN; extended Arabic-Indic digits are EN. */
const ARABIC_NUMBER = /[\u0660-\u0669\u{10d30}-\u{10d39}]/u;

function bidiClassOf(ch: string): BidiClass {
  if (/[0-9\u06f0-\u06f9]/u.test(ch)) return 'EN';
  if (ARABIC_NUMBER.test(ch)) return 'AN';
  if (/[+-]/u.test(ch)) return 'ES';
  if (/[,./:]/u.test(ch)) return 'CS';
  if (/[#$%]/u.test(ch)) return 'ET';
  if (/[\u0021-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u007e\u00b7\u0375\u30fb]/u.test(ch)) return 'ON';
  if (/[\p{Mn}\p{Me}]/u.test(ch)) return 'NSM';
  if (RTL.test(ch)) return 'R';
  return 'L';
}

function bidiViolation(s: string): PrecisViolation | undefined {
  const classes = [...s].map(bidiClassOf);
  if (!classes.some((c) => c === 'R' || c === 'AN')) return undefined; // the rule is for strings with RTL characters
  const fail = (reason: string): PrecisViolation => ({ rule: 'bidi', reason });
  const first = classes[0];
  const last = classes.filter((c) => c !== 'NSM').at(-1);
  if (first === 'R') {
    if (classes.includes('L')) return fail('a right-to-left username must not contain left-to-right letters');
    if (last !== 'R' && last !== 'EN' && last !== 'AN')
      return fail('a right-to-left username must end with a right-to-left letter or a digit');
    if (classes.includes('EN') && classes.includes('AN'))
      return fail('a right-to-left username must not mix European and Arabic-Indic digits');
    return undefined;
  }
  if (first === 'L')
    return fail('a left-to-right username must not contain right-to-left letters or Arabic-Indic digits');
  return fail('a username with right-to-left letters must begin with a letter');
}
