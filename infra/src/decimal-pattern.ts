/**
 * A regular expression matching the decimal integers greater than `limit`
 * (leading zeros allowed), for WAF, whose size and byte-match statements
 * cannot compare a header's value as a number.
 *
 * Written by hand (no library builds numeric-range regexes for WAF): a number
 * is greater than `limit` when it has more digits, or the same number of
 * digits and, at the first position where they differ, a greater digit.
 */
export function greaterThanPattern(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new Error(`invalid limit ${limit}: expected a non-negative safe integer`);
  }
  const digits = String(limit);
  const alternatives = [`[1-9][0-9]{${digits.length},}`];
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[i]);
    if (digit === 9) continue;
    const rest = digits.length - i - 1;
    const next = digit + 1 === 9 ? '9' : `[${digit + 1}-9]`;
    alternatives.push(`${digits.slice(0, i)}${next}${rest > 0 ? `[0-9]{${rest}}` : ''}`);
  }
  return `^0*(${alternatives.join('|')})$`;
}
