import { ValidationError } from '../../../src/domain/errors';
import {
  decodeExport,
  UPLOAD_BATCH_BYTES,
  UPLOAD_BATCH_ROWS,
  UploadError,
  uploadBatches,
  utf8Length,
} from '../../../src/domain/import/upload';
import { parseImport } from '../../../src/domain/import-export';

const SECRET = 'SECRET-VALUE-1b9e';

describe('decodeExport', () => {
  it('reads UTF-8, with or without a BOM', () => {
    expect(decodeExport(Buffer.from('name\nKäse\n'))).toEqual({ text: 'name\nKäse\n', encoding: 'utf-8' });
    expect(decodeExport(Buffer.from('\uFEFFname\nKäse\n')).text).toBe('name\nKäse\n');
  });

  it('reads a Latin-1 / Windows-1252 file as such: ä stays ä, € stays €, never U+FFFD', () => {
    const bytes = Buffer.from([...Buffer.from('name\nK'), 0xe4, ...Buffer.from('se '), 0x80, 0x0a]);
    expect(decodeExport(bytes)).toEqual({ text: 'name\nKäse €\n', encoding: 'windows-1252' });
  });

  it('reads UTF-16 with its BOM (Excel’s "Unicode text")', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,ä\n', 'utf16le')]);
    expect(decodeExport(le)).toEqual({ text: 'a,ä\n', encoding: 'utf-16le' });
  });
});

describe('the API refuses text that was decoded in the wrong encoding', () => {
  it('is a 400 naming the line, never its text', () => {
    const content = `name,url,username,password\nK\uFFFDse ${SECRET},https://a.example,me,pw\n`;
    expect(() => parseImport(undefined, content)).toThrow(ValidationError);
    expect(() => parseImport(undefined, content)).toThrow(/U\+FFFD\) on line 2/);
    try {
      parseImport(undefined, content);
    } catch (err) {
      expect(JSON.stringify({ m: (err as Error).message, e: (err as ValidationError).errors })).not.toContain(
        SECRET,
      );
    }
  });
});

describe('uploadBatches', () => {
  const item = (i: number, notes = '') => ({ type: 1, name: `Site ${i}`, notes, login: { username: 'me' } });

  it('cuts a Bitwarden JSON by bytes, not rows: every request under the limit, every item once, in order', () => {
    // Items of very different sizes: a fixed row count would overflow a request.
    const items = Array.from({ length: 900 }, (_, i) => item(i, i % 7 === 0 ? 'ü'.repeat(20_000) : 'short'));
    const doc = { encrypted: false, folders: [{ id: 'f', name: 'F' }], items };
    const batches = uploadBatches(JSON.stringify(doc, null, 2));
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) {
      expect(utf8Length(b.content)).toBeLessThanOrEqual(UPLOAD_BATCH_BYTES);
      expect(b.rows).toBeLessThanOrEqual(UPLOAD_BATCH_ROWS);
      expect(JSON.parse(b.content).folders).toEqual(doc.folders); // each request is a whole export
    }
    const back = batches.flatMap((b) => JSON.parse(b.content).items);
    expect(back).toEqual(items);
    expect(batches.map((b) => b.firstRow)).toEqual(
      batches.map((_, i) => 1 + batches.slice(0, i).reduce((n, b) => n + b.rows, 0)),
    );
  });

  it('caps a request at 500 rows however small they are', () => {
    const batches = uploadBatches(JSON.stringify({ items: Array.from({ length: 1201 }, (_, i) => item(i)) }));
    expect(batches.map((b) => b.rows)).toEqual([500, 500, 201]);
  });

  it('cuts CSV under its header, keeping a quoted cell’s line breaks and CRLF inside its record', () => {
    const csv = 'name,notes\r\n"A","line 1\r\nline 2"\r\nB,"say ""hi"""\r\n';
    const [batch] = uploadBatches(csv);
    expect(batch).toEqual({
      content: 'name,notes\n"A","line 1\r\nline 2"\nB,"say ""hi"""',
      rows: 2,
      firstRow: 1,
    });
    const many = uploadBatches(
      ['name', ...Array.from({ length: 1000 }, (_, i) => `"${'x'.repeat(400)}${i}"`)].join('\n'),
    );
    expect(many.every((b) => b.content.startsWith('name\n'))).toBe(true);
    expect(many.reduce((n, b) => n + b.rows, 0)).toBe(1000);
    expect(many.every((b) => utf8Length(b.content) <= UPLOAD_BATCH_BYTES)).toBe(true);
  });

  it('refuses truncated JSON too large to send whole, saying where it stopped and quoting nothing', () => {
    const json = JSON.stringify({ items: Array.from({ length: 3000 }, (_, i) => item(i, SECRET)) });
    const truncated = json.slice(0, json.length - 500);
    expect(() => uploadBatches(truncated)).toThrow(UploadError);
    expect(() => uploadBatches(truncated)).toThrow(/not valid JSON.*truncated/);
    try {
      uploadBatches(truncated);
    } catch (err) {
      expect((err as Error).message).not.toContain(SECRET);
      expect((err as Error).message).not.toContain('Site');
    }
  });

  it('sends small broken JSON whole, for the API to name what is wrong', () => {
    expect(uploadBatches('{"items": [')).toEqual([{ content: '{"items": [', rows: 0, firstRow: 1 }]);
  });

  it('counts UTF-8 bytes as Buffer does', () => {
    for (const s of ['abc', 'ä', '€', '😀', 'a😀ä€', '\uD800'])
      expect(utf8Length(s)).toBe(Buffer.byteLength(s));
  });

  it('sends KeePass XML whole, counting entries but not their history, and refuses one over the limit', () => {
    const xml =
      '<KeePassFile><Root><Group><Entry><History><Entry/></History></Entry><Entry></Entry></Group></Root></KeePassFile>'.replace(
        /<Entry\/>/,
        '<Entry></Entry>',
      );
    expect(uploadBatches(xml)).toEqual([{ content: xml, rows: 2, firstRow: 1 }]);
    const big = `<KeePassFile>${'<Entry></Entry>'.repeat(20_000)}</KeePassFile>`;
    expect(() => uploadBatches(big)).toThrow(/Export from KeePass or KeePassXC as CSV instead/);
  });
});
