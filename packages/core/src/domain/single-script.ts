/**
 * The single-script rule of Unicode UTS #39 §5.1: a string is single-script
 * when the intersection of its characters' augmented Script_Extensions sets
 * is not empty. Common and Inherited characters (ASCII digits and punctuation,
 * combining marks) go with any script; Han goes with Hiragana and Katakana
 * (Japanese), with Hangul (Korean) and with Bopomofo, as UTS #39 augments.
 * This refuses look-alikes that mix scripts (Cyrillic `а` in Latin `alice`);
 * a name wholly in one script that looks like another (all-Cyrillic `аррӏе`)
 * is a whole-script confusable, which this rule does not catch.
 */

/** ISO 15924 codes of the Unicode scripts (16.0); codes the runtime does not know are skipped. */
const SCRIPT_CODES =
  'Adlm Aghb Ahom Arab Armi Armn Avst Bali Bamu Bass Batk Beng Bhks Bopo Brah Brai Bugi Buhd Cakm Cans ' +
  'Cari Cham Cher Chrs Copt Cpmn Cprt Cyrl Deva Diak Dogr Dsrt Dupl Egyp Elba Elym Ethi Gara Geor Glag ' +
  'Gong Gonm Goth Gran Grek Gujr Gukh Guru Hang Hani Hano Hatr Hebr Hira Hluw Hmng Hmnp Hung Ital Java ' +
  'Kali Kana Kawi Khar Khmr Khoj Kits Knda Krai Kthi Lana Laoo Latn Lepc Limb Lina Linb Lisu Lyci Lydi ' +
  'Mahj Maka Mand Mani Marc Medf Mend Merc Mero Mlym Modi Mong Mroo Mtei Mult Mymr Nagm Nand Narb Nbat ' +
  'Newa Nkoo Nshu Ogam Olck Onao Orkh Orya Osge Osma Ougr Palm Pauc Perm Phag Phli Phlp Phnx Plrd Prti ' +
  'Rjng Rohg Runr Samr Sarb Saur Sgnw Shaw Shrd Sidd Sind Sinh Sogd Sogo Sora Soyo Sund Sunu Sylo Syrc ' +
  'Tagb Takr Tale Talu Taml Tang Tavt Telu Tfng Tglg Thaa Thai Tibt Tirh Tnsa Todr Toto Tutg Ugar Vaii ' +
  'Vith Wara Wcho Xpeo Xsux Yezi Yiii Zanb';

/** Names for the scripts people will meet in a message; other scripts show their code. */
const SCRIPT_NAMES: Readonly<Record<string, string>> = {
  Arab: 'Arabic',
  Armn: 'Armenian',
  Beng: 'Bengali',
  Cher: 'Cherokee',
  Cyrl: 'Cyrillic',
  Deva: 'Devanagari',
  Geor: 'Georgian',
  Grek: 'Greek',
  Hang: 'Hangul',
  Hani: 'Han',
  Hebr: 'Hebrew',
  Hira: 'Hiragana',
  Kana: 'Katakana',
  Latn: 'Latin',
  Taml: 'Tamil',
  Thai: 'Thai',
};

/** Scripts UTS #39 adds to a set that holds these (Table 1a, "augmented script sets"). */
const AUGMENT: Readonly<Record<string, readonly string[]>> = {
  Hani: ['Hanb', 'Jpan', 'Kore'],
  Hira: ['Jpan'],
  Kana: ['Jpan'],
  Hang: ['Kore'],
  Bopo: ['Hanb'],
};

/** One regex per script the runtime knows, built on first use. */
let scriptTests: readonly (readonly [string, RegExp])[] | undefined;

function tests(): readonly (readonly [string, RegExp])[] {
  scriptTests ??= SCRIPT_CODES.split(' ').flatMap((code) => {
    try {
      return [[code, new RegExp(`\\p{Script_Extensions=${code}}`, 'u')] as const];
    } catch {
      return [];
    }
  });
  return scriptTests;
}

/** A character's augmented script set; undefined for Common and Inherited characters, which fit any script. */
function scriptSet(ch: string): Set<string> | undefined {
  if (/[\p{Script_Extensions=Zyyy}\p{Script_Extensions=Zinh}]/u.test(ch)) return undefined;
  const set = new Set(tests().flatMap(([code, re]) => (re.test(ch) ? [code, ...(AUGMENT[code] ?? [])] : [])));
  // A script newer than this list: its own one-script set.
  return set.size > 0 ? set : new Set(['Zzzz']);
}

export function scriptName(code: string): string {
  return SCRIPT_NAMES[code] ?? code;
}

export interface MixedScripts {
  /** The first character with a script, and its scripts (named). */
  readonly first: string;
  readonly firstScripts: readonly string[];
  /** The first character that shares no script with the ones before it, and its scripts. */
  readonly other: string;
  readonly otherScripts: readonly string[];
}

/** Where a string stops being single-script, or undefined if it is. */
export function mixedScripts(s: string): MixedScripts | undefined {
  let first: { ch: string; set: Set<string> } | undefined;
  let resolved: Set<string> | undefined;
  for (const ch of s) {
    const set = scriptSet(ch);
    if (set === undefined) continue;
    if (first === undefined || resolved === undefined) {
      first = { ch, set };
      resolved = set;
      continue;
    }
    const both = new Set([...resolved].filter((code) => set.has(code)));
    if (both.size === 0) {
      return {
        first: first.ch,
        firstScripts: realScripts(first.set),
        other: ch,
        otherScripts: realScripts(set),
      };
    }
    resolved = both;
  }
  return undefined;
}

/** The scripts of a set without UTS #39's augmented ones (Jpan, Kore, Hanb), named. */
function realScripts(set: ReadonlySet<string>): string[] {
  return [...set].filter((code) => !['Jpan', 'Kore', 'Hanb'].includes(code)).map(scriptName);
}
