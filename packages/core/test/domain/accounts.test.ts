import { normaliseNewUsername, normaliseUsername } from '../../src/domain/accounts';
import { ValidationError } from '../../src/domain/errors';

/** What signup answers: the normalised name, or the rule broken and the text the 400 must contain. */
function verdict(raw: string): { key: string; display: string } | { rule: string; names: string } {
  try {
    return normaliseNewUsername(raw);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const message = err.errors[0]?.message ?? '';
    return { rule: /^breaks the ([a-z-]+) rule/.exec(message)?.[1] ?? message, names: err.message };
  }
}

describe('Function: normaliseNewUsername (signup)', () => {
  const accepted: [string, string, string, string][] = [
    // [why, raw, display, key]
    ['plain ASCII', 'alice', 'alice', 'alice'],
    ['case is kept for display and folded for the key', 'Alice', 'Alice', 'alice'],
    [
      'ASCII punctuation, as in an address',
      'Al.ice+vault@example.com',
      'Al.ice+vault@example.com',
      'al.ice+vault@example.com',
    ],
    ['fullwidth letters are width-mapped (RFC 8265)', 'ａｌｉｃｅ', 'alice', 'alice'],
    ['halfwidth katakana are width-mapped and composed', 'ﾀﾞﾛｳ', 'ダロウ', 'ダロウ'],
    ['surrounding spaces are trimmed', '  bob  ', 'bob', 'bob'],
    ['Latin with diacritics, composed by NFC', 'Mu\u0308ller', 'Müller', 'müller'],
    ['sharp s (an RFC 5892 exception, PVALID)', 'straße', 'straße', 'straße'],
    ['Greek, final sigma lower-cased', 'ΟΔΟΣ', 'ΟΔΟΣ', 'οδος'],
    ['Cyrillic alone', 'Алиса', 'Алиса', 'алиса'],
    ['Arabic (right to left)', 'علي', 'علي', 'علي'],
    ['Arabic ending with a digit', 'علي7', 'علي7', 'علي7'],
    ['Hebrew with an underscore inside', 'דוד_כהן', 'דוד_כהן', 'דוד_כהן'],
    ['Japanese: Han and Hiragana together', '山田たろう', '山田たろう', '山田たろう'],
    ['Korean Hangul', '김철수', '김철수', '김철수'],
    ['Devanagari with its vowel signs', 'अनुराग', 'अनुराग', 'अनुराग'],
    ['Catalan middle dot between two l', 'col·lega', 'col·lega', 'col·lega'],
  ];

  it.each(accepted)('accepts %s: %j', (_why, raw, display, key) => {
    expect(verdict(raw)).toEqual({ display, key });
  });

  it('gives every accepted name the key that login looks up', () => {
    for (const [, raw] of accepted) {
      expect(normaliseNewUsername(raw).key).toBe(normaliseUsername(raw).key);
    }
  });

  const refused: [string, string, string, string][] = [
    // [why, raw, rule, what the message must name]
    [
      'usernames accept invisible characters: a zero-width space',
      'ali\u200bce',
      'identifier',
      'U+200B (an invisible formatting character)',
    ],
    [
      'usernames accept mixed-script look-alikes: Cyrillic а in Latin alice',
      '\u0430lice',
      'single-script',
      'Cyrillic (U+0430) with Latin (U+006C)',
    ],
    [
      'a Latin name with one Greek letter',
      'p\u03b1ypal',
      'single-script',
      'Latin (U+0070) with Greek (U+03B1)',
    ],
    ['a right-to-left override', 'ali\u202ece', 'identifier', 'U+202E (a bidirectional control character)'],
    ['a right-to-left mark', '\u200fadmin', 'identifier', 'U+200F (a bidirectional control character)'],
    ['a zero-width joiner', 'ali\u200dce', 'context', 'U+200D (an invisible joiner)'],
    ['a soft hyphen', 'ali\u00adce', 'identifier', 'U+00AD (an invisible formatting character)'],
    ['a space inside', 'alice smith', 'identifier', 'U+0020 (a space)'],
    ['a no-break space inside', 'alice\u00a0smith', 'identifier', 'U+00A0'],
    ['an ideographic space, width-mapped to a space', 'ａｌｉｃｅ\u3000ｂ', 'identifier', 'U+0020 (a space)'],
    ['an emoji', 'alice\u{1F600}', 'identifier', 'U+1F600 (an emoji)'],
    ['a symbol', 'alice\u2665', 'identifier', 'U+2665'],
    ['a control character', 'ali\u0007ce', 'identifier', 'U+0007 (a control character)'],
    [
      'a ligature (compatibility character)',
      '\ufb01le',
      'identifier',
      'U+FB01 (a compatibility form of another character)',
    ],
    ['a mathematical bold letter (compatibility character)', '\u{1D41A}lice', 'identifier', 'U+1D41A'],
    ['a lone surrogate', 'ali\ud800ce', 'identifier', 'U+D800 (a lone surrogate)'],
    ['an unassigned code point', 'ali\u0378ce', 'identifier', 'U+0378 (an unassigned code point)'],
    ['a middle dot not between two l', 'a·b·c', 'context', 'U+00B7'],
    [
      'Arabic-Indic and extended Arabic-Indic digits mixed',
      'علي\u0661\u06f1',
      'context',
      'must not be mixed',
    ],
    ['a right-to-left name starting with a digit', '1علي', 'bidi', 'must begin with a letter'],
    [
      'a right-to-left name ending in punctuation',
      'علي.',
      'bidi',
      'must end with a right-to-left letter or a digit',
    ],
    ['Latin letters inside a right-to-left name', 'عليali', 'bidi', 'must not contain left-to-right letters'],
    [
      'Hebrew letters inside a left-to-right name',
      'aliדוד',
      'bidi',
      'must not contain right-to-left letters',
    ],
    ['too short after trimming', '  ab ', 'must be 3 to 64 characters', 'must be 3 to 64 characters'],
    ['too long', 'x'.repeat(65), 'must be 3 to 64 characters', 'must be 3 to 64 characters'],
  ];

  it.each(refused)('refuses %s: %j', (_why, raw, rule, names) => {
    const result = verdict(raw);
    expect(result).toEqual({ rule, names: expect.stringContaining(names) });
  });

  it('never echoes the refused name: messages are printable ASCII, code points named as U+XXXX', () => {
    for (const [, raw] of refused) {
      const result = verdict(raw);
      expect('names' in result ? result.names : '').toMatch(/^[\u0020-\u007e\u2013]+$/u);
    }
  });
});

describe('Function: normaliseUsername (login and password change)', () => {
  it('still takes names that passed the old rules, which signup now refuses', () => {
    for (const raw of ['ali\u200bce', '\u0430lice', 'alice smith', 'alice\u{1F600}']) {
      expect(() => normaliseNewUsername(raw)).toThrow(ValidationError);
      expect(normaliseUsername(raw).key).toBe(raw.normalize('NFKC').trim().toLowerCase());
    }
  });
});
