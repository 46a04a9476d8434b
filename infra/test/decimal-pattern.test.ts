import { greaterThanPattern } from '../src/decimal-pattern';

describe('Function: greaterThanPattern', () => {
  it('matches exactly the integers above the API body limit, 262144', () => {
    // GIVEN
    const pattern = new RegExp(greaterThanPattern(262144));

    // WHEN / THEN: every number around the limit and each digit position
    for (const n of [0, 1, 9, 65536, 99999, 199999, 262143, 262144, 262139, 261999, 259999])
      expect(pattern.test(String(n))).toBe(false);
    for (const n of [262145, 262150, 262200, 263000, 270000, 300000, 999999, 1000000, 10485760])
      expect(pattern.test(String(n))).toBe(true);
  });

  it('agrees with numeric comparison for every number up to 3000 against several limits', () => {
    for (const limit of [0, 7, 9, 10, 99, 100, 109, 999, 1090, 2048]) {
      // GIVEN
      const pattern = new RegExp(greaterThanPattern(limit));
      for (let n = 0; n <= 3000; n++) {
        // THEN
        expect([n, pattern.test(String(n))]).toEqual([n, n > limit]);
      }
    }
  });

  it('reads leading zeros as the number and refuses anything but digits', () => {
    // GIVEN
    const pattern = new RegExp(greaterThanPattern(262144));

    // THEN
    expect(pattern.test('000262145')).toBe(true);
    expect(pattern.test('000262144')).toBe(false);
    expect(pattern.test('262145 ')).toBe(false);
    expect(pattern.test('-262145')).toBe(false);
    expect(pattern.test('')).toBe(false);
  });

  it('throws when the limit is not a non-negative safe integer', () => {
    expect(() => greaterThanPattern(-1)).toThrow('invalid limit -1');
    expect(() => greaterThanPattern(1.5)).toThrow('invalid limit 1.5');
  });
});
