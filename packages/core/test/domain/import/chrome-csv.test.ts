import { parseImport } from '../../../src/domain/import-export';

const SECRET = 'SECRET-VALUE-7f3a';

describe('Function: parseImport (chrome-csv)', () => {
  it('reads Chrome’s columns, the url standing in for a missing name', () => {
    const rows = parseImport(
      'chrome-csv',
      'name,url,username,password,note\n,https://a.example,me,pw,\nB,https://b.example,,,"n, 1"',
    );
    expect(rows).toEqual([
      {
        row: 1,
        secret: { name: 'https://a.example', url: 'https://a.example', username: 'me', password: 'pw' },
      },
      { row: 2, secret: { name: 'B', url: 'https://b.example', notes: 'n, 1' } },
    ]);
  });

  it('keeps a leading apostrophe: Chrome does not escape formulas, so nothing is unescaped', () => {
    const rows = parseImport('chrome-csv', "name,url,username,password\nA,https://a.example,me,'=pw");
    expect(rows[0]).toMatchObject({ secret: { password: "'=pw" } });
  });

  it('keeps a column it does not know as a custom field, and names it (never its value) in the answer', () => {
    const rows = parseImport(
      'chrome-csv',
      `name,url,username,password,note,otp\nA,https://a.example,me,pw,,${SECRET}\nB,https://b.example,me,pw,,`,
    );
    expect(rows[0]).toMatchObject({
      secret: { fields: [{ name: 'otp', value: SECRET, type: 'text' }] },
      mapped: { row: 1, fields: ['otp'], message: 'kept as custom fields named after them: otp' },
    });
    expect(rows[1]).not.toHaveProperty('mapped');
    expect(JSON.stringify((rows[0] as { mapped: unknown }).mapped)).not.toContain(SECRET);
  });
});
