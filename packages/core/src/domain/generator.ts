import { randomInt } from 'node:crypto';
import * as z from 'zod';
import { EFF_WORDLIST_TEXT } from './data/eff-wordlist';
import { ValidationError } from './errors';

const CLASSES = {
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  symbols: '!#$%&()*+,-./:;<=>?@[]^_{|}~',
} as const;

/** Characters people confuse when reading or typing a password. */
const AMBIGUOUS = new Set('Il1|O0o`\'"S5B8Z2'.split(''));

export const charactersRequestSchema = z
  .object({
    length: z.number().int().min(8).max(128).default(20),
    lowercase: z.boolean().default(true),
    uppercase: z.boolean().default(true),
    digits: z.boolean().default(true),
    symbols: z.boolean().default(true),
    excludeAmbiguous: z.boolean().default(false),
  })
  .strict()
  // generatePassword refuses a request with no class; say so in the document too (JSON Schema of the input).
  .meta({ anyOf: Object.keys(CLASSES).map((c) => ({ properties: { [c]: { const: true } } })) });

export const wordsRequestSchema = z
  .object({
    words: z.number().int().min(3).max(20),
    separator: z.string().max(3).default('-'),
  })
  .strict();

export const generateRequestSchema = z.union([wordsRequestSchema, charactersRequestSchema]);
export const generateResponseSchema = z.object({ password: z.string(), entropyBits: z.number() });

let words: string[] | undefined;

/** The shipped EFF large wordlist. */
export function wordlist(): readonly string[] {
  words ??= EFF_WORDLIST_TEXT.split('\n');
  return words;
}

/**
 * Passwords from the CSPRNG: `crypto.randomInt` draws without modulo bias
 * (rejection sampling). A character password holds at least one character
 * of every class asked for; redrawing until it does keeps every such
 * password equally likely, and the entropy reported is exactly log2 of how
 * many there are.
 */
export function generatePassword(request: z.infer<typeof generateRequestSchema>): {
  password: string;
  entropyBits: number;
} {
  if ('words' in request) {
    const list = wordlist();
    const picked = Array.from({ length: request.words }, () => list[randomInt(list.length)] as string);
    return {
      password: picked.join(request.separator),
      entropyBits: round(request.words * Math.log2(list.length)),
    };
  }
  const classes = (Object.keys(CLASSES) as (keyof typeof CLASSES)[])
    .filter((c) => request[c])
    .map((c) => [...CLASSES[c]].filter((ch) => !(request.excludeAmbiguous && AMBIGUOUS.has(ch))));
  if (classes.length === 0) {
    throw new ValidationError('Choose at least one character class.', [
      { path: '(body)', message: 'no character class chosen' },
    ]);
  }
  if (classes.length > request.length) {
    throw new ValidationError('The length must be at least the number of classes chosen.', [
      { path: 'length', message: 'is shorter than the number of classes' },
    ]);
  }
  const alphabet = classes.flat();
  for (;;) {
    const chars = Array.from(
      { length: request.length },
      () => alphabet[randomInt(alphabet.length)] as string,
    );
    if (classes.every((cls) => chars.some((ch) => cls.includes(ch)))) {
      return {
        password: chars.join(''),
        entropyBits: round(
          entropyWithEveryClass(
            classes.map((c) => c.length),
            request.length,
          ),
        ),
      };
    }
  }
}

/** log2 of the number of strings of `length` over the classes with at least one of each (inclusion–exclusion). */
function entropyWithEveryClass(sizes: number[], length: number): number {
  let count = 0n;
  const n = sizes.length;
  for (let mask = 0; mask < 1 << n; mask++) {
    let excluded = 0;
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if (mask & (1 << i)) {
        excluded += sizes[i] as number;
        bits++;
      }
    }
    const term = BigInt(sizes.reduce((a, b) => a + b, 0) - excluded) ** BigInt(length);
    count += bits % 2 === 0 ? term : -term;
  }
  return log2(count);
}

function log2(n: bigint): number {
  const digits = n.toString(2).length;
  const shift = Math.max(0, digits - 53);
  return Number(n >> BigInt(shift)) > 0 ? Math.log2(Number(n >> BigInt(shift))) + shift : 0;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
