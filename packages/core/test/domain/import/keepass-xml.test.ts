import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../../src/domain/errors';
import { detectFormat, exportJson, parseImport } from '../../../src/domain/import-export';
import { clean, secretOf } from '../../../src/domain/secret-records';

const FIXTURE = join(__dirname, 'fixtures', 'pass-import', 'keepass.xml');
const SECRET = 'SECRET-VALUE-3e5f';

const secrets = (content: string) =>
  parseImport(undefined, content).map((r) => {
    if (!('secret' in r)) throw new Error(`row ${r.row} failed: ${r.error}`);
    return r;
  });

const entry = (strings: string, extra = '') => `
  <Entry><UUID>AAAA</UUID>${strings
    .split(';')
    .filter(Boolean)
    .map((pair) => {
      // key=value, or key!=value for a string KeePass protects in memory
      const at = pair.indexOf('=');
      const protect = pair[at - 1] === '!';
      const key = pair.slice(0, protect ? at - 1 : at);
      const value = pair.slice(at + 1);
      return `<String><Key>${key}</Key><Value${protect ? ' ProtectInMemory="True"' : ''}>${value}</Value></String>`;
    })
    .join('')}${extra}</Entry>`;
const file = (entries: string, inner = '') =>
  `<?xml version="1.0" encoding="utf-8"?><KeePassFile><Meta/><Root><Group><Name>Database</Name>${entries}${inner}</Group></Root></KeePassFile>`;

describe('KeePass 2 XML import', () => {
  it('imports pass-import’s real KeePass export: every entry, and every value of the person’s in our export', () => {
    const content = readFileSync(FIXTURE, 'utf8');
    expect(detectFormat(content)).toBe('keepass-xml');
    const rows = secrets(content);
    expect(rows).toHaveLength(14); // 15 <Entry> elements, one of them an earlier version in a <History>
    const json = exportJson(
      rows.map((r, i) =>
        secretOf({ id: `id-${i}`, version: 1, createdAt: 'c', updatedAt: 'u', ...clean(r.secret) }),
      ),
    );
    // Each <Value> of an entry (history included), compared as the vault stores it (trimmed).
    const values = [...content.matchAll(/<Value(?: ProtectInMemory="True")?>([^<]*)<\/Value>/g)].map((m) =>
      (m[1] as string)
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .trim(),
    );
    expect(values.length).toBe(56); // the 77 <Value> elements but the 21 empty ones (<Value />)
    expect(values.filter((v) => v !== '' && !json.includes(JSON.stringify(v).slice(1, -1)))).toEqual([]);
    expect(rows.find((r) => r.secret.name === 'aib')?.secret).toMatchObject({
      folder: 'Bank',
      fields: [{ name: 'pin', type: 'text' }],
    });
  });

  it('maps TOTP (KeePassXC otp and KeePass TimeOtp), extra URLs, protected strings, tags, expiry and nested groups', () => {
    const content = file(
      '',
      `<Group><Name>Work</Name><Group><Name>Servers</Name>${entry(
        'Title=Box;UserName=root;Password=pw;URL=https://box.example;KP2A_URL_1=https://alt.example;otp=otpauth://totp/x?secret=JBSWY3DP;API key!=k-1',
        '<Tags>ops;prod</Tags><Times><Expires>True</Expires><ExpiryTime>2030-01-01T00:00:00Z</ExpiryTime></Times>',
      )}${entry('Title=Bank;TimeOtp-Secret-Base32=JBSW Y3DP;TimeOtp-Algorithm=HMAC-SHA-256;TimeOtp-Length=8')}</Group></Group>`,
    );
    const [box, bank] = secrets(content);
    expect(box?.secret).toEqual({
      type: 'login',
      name: 'Box',
      folder: 'Work/Servers',
      uris: [{ uri: 'https://box.example' }, { uri: 'https://alt.example' }],
      username: 'root',
      password: 'pw',
      totp: 'otpauth://totp/x?secret=JBSWY3DP',
      tags: ['ops', 'prod'],
      fields: [
        { name: 'API key', value: 'k-1', type: 'hidden' },
        { name: 'Expires', value: '2030-01-01T00:00:00Z', type: 'text' },
      ],
    });
    expect(bank?.secret.totp).toBe('otpauth://totp/?secret=JBSWY3DP&algorithm=SHA-256&digits=8');
  });

  it('keeps the history’s passwords, newest first, and names other history and attachments, never their values', () => {
    const history = `<History>${entry('Title=A;Password=oldest', '<Times><LastModificationTime>2020-01-01T00:00:00Z</LastModificationTime></Times>')}${entry(
      `Title=A;UserName=${SECRET};Password=older`,
      '<Times><LastModificationTime>2021-01-01T00:00:00Z</LastModificationTime></Times>',
    )}</History>`;
    const [row] = secrets(
      file(entry('Title=A;Password=now', `${history}<Binary><Key>id.pdf</Key><Value Ref="0"/></Binary>`)),
    );
    expect(row?.secret.passwordHistory).toEqual([
      { password: 'older', lastUsedDate: '2021-01-01T00:00:00.000Z' },
      { password: 'oldest', lastUsedDate: '2020-01-01T00:00:00.000Z' },
    ]);
    expect(row?.warning?.fields).toEqual(['Binary[0] (an attachment)', 'History[0].UserName']);
    expect(JSON.stringify(row?.warning)).not.toContain(SECRET);
  });

  it.each([
    [
      'a DOCTYPE (entities could expand without end)',
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "${SECRET}">]><KeePassFile/>`,
      /DOCTYPE/,
    ],
    [
      'XML that does not parse',
      `<?xml version="1.0"?><KeePassFile><Root><Group>${SECRET}</Root>`,
      /could not be read at line 1/,
    ],
    ['a KeePassFile without Root', '<KeePassFile><Meta/></KeePassFile>', /no KeePassFile with a Root/],
  ])('refuses %s with a 400 quoting nothing', (_, content, message) => {
    expect(() => parseImport(undefined, content)).toThrow(ValidationError);
    expect(() => parseImport(undefined, content)).toThrow(message);
    try {
      parseImport(undefined, content);
    } catch (err) {
      expect((err as Error).message).not.toContain(SECRET);
    }
  });
});
