import * as fc from 'fast-check';
import { FORMULA_TRIGGERS, neutraliseCell, restoreCell } from '../../../src/domain/import-export';

describe('Function: neutraliseCell / restoreCell', () => {
  it.each(FORMULA_TRIGGERS)('escapes a cell that begins with %j', (trigger) => {
    expect(neutraliseCell(`${trigger}1+1`)).toBe(`'${trigger}1+1`);
  });

  it.each([
    ["'=1", "''=1"],
    ["'''-1", "''''-1"],
    ["'abc", "'abc"],
    ["''abc", "''abc"],
    ["'", "'"],
    ["don't", "don't"],
    ['a=b', 'a=b'],
    ['', ''],
    [' =1', ' =1'],
  ])('writes %j as %j', (value, written) => {
    expect(neutraliseCell(value)).toBe(written);
    expect(restoreCell(written)).toBe(value);
  });

  it('reads back every string exactly (fast-check)', () => {
    const head = fc.array(fc.constantFrom("'", ...FORMULA_TRIGGERS, 'a'), { maxLength: 5 });
    const value = fc.tuple(head, fc.string({ unit: 'binary' })).map(([h, t]) => `${h.join('')}${t}`);
    expect(() =>
      fc.assert(
        fc.property(value, (v) => {
          const written = neutraliseCell(v);
          expect(written).not.toMatch(/^[=+\-@\t\r]/);
          expect(restoreCell(written)).toBe(v);
        }),
        { numRuns: 2000 },
      ),
    ).not.toThrow();
  });

  it('never writes two values as one cell (fast-check)', () => {
    const value = fc
      .tuple(fc.array(fc.constantFrom("'", '=', 'x'), { maxLength: 4 }), fc.string({ maxLength: 3 }))
      .map(([h, t]) => `${h.join('')}${t}`);
    expect(() =>
      fc.assert(
        fc.property(value, value, (a, b) => {
          if (a !== b) expect(neutraliseCell(a)).not.toBe(neutraliseCell(b));
        }),
        { numRuns: 2000 },
      ),
    ).not.toThrow();
  });
});
