import type { SecretMetadata } from '@kmsvault/core';
import { call, startTestStack, type TestRequest, type TestStack } from '../../src/testing';

type Answer = {
  imported: number;
  failed: number;
  skipped: number;
  skippedRows: { row: number; id: string; reason: string }[];
  ids: string[];
};

/**
 * Issue 17: an import is idempotent per item, not only per request. Each
 * request here has its own Idempotency-Key, so request replay cannot be
 * what keeps an item from landing twice.
 */
describe('POST /v1/import is idempotent per item', () => {
  let suite: TestStack;
  let counter = 0;

  beforeAll(async () => {
    suite = await startTestStack('import-idempotency');
  });
  afterAll(() => suite.stop());

  async function newUser() {
    const n = ++counter;
    const body = { username: `idem-${process.pid}-${n}`, password: `import idempotency password ${n}` };
    const send = <T>(path: string, req: TestRequest) => call<T>(suite.stack.info.apiUrl, path, req);
    await send('/v1/auth/signup', { method: 'POST', body });
    const { accessToken: bearer } = (
      await send<{ accessToken: string }>('/v1/auth/login', { method: 'POST', body })
    ).body;
    return {
      import: async (items: unknown[]) => {
        const res = await send<Answer>('/v1/import', {
          method: 'POST',
          bearer,
          headers: { 'idempotency-key': `key-${++counter}` },
          body: { content: JSON.stringify({ encrypted: false, items }) },
        });
        expect(res.status).toBe(200);
        return res.body;
      },
      list: async () =>
        (await send<{ items: SecretMetadata[] }>('/v1/secrets?limit=100', { bearer })).body.items.map(
          (i) => i.name,
        ),
      remove: (id: string) => send(`/v1/secrets/${id}`, { method: 'DELETE', bearer }),
      create: async (body: Record<string, unknown>) =>
        (
          await send<{ id: string }>('/v1/secrets', {
            method: 'POST',
            bearer,
            headers: { 'idempotency-key': `create-${++counter}` },
            body,
          })
        ).body.id,
      exported: async () => (await send<{ items: unknown[] }>('/v1/export', { bearer })).body.items,
    };
  }

  const item = (name: string, password = `pw of ${name}`) => ({
    type: 1,
    name,
    login: { username: 'me', password, uris: [{ uri: `https://${name.toLowerCase()}.example` }] },
  });

  it('imports the same file twice into one copy, and says the second time skipped every item', async () => {
    const u = await newUser();
    const file = [item('A'), item('B'), { type: 2, name: 'Note', notes: 'text', secureNote: { type: 0 } }];
    const first = await u.import(file);
    const second = await u.import(file);
    expect(first).toMatchObject({ imported: 3, skipped: 0, failed: 0 });
    expect(second).toMatchObject({ imported: 0, skipped: 3, failed: 0, ids: [] });
    expect(second.skippedRows).toEqual(first.ids.map((id, i) => ({ row: i + 1, id, reason: 'present' })));
    expect((await u.list()).sort()).toEqual(['A', 'B', 'Note']);
  });

  it('retries a batch that half landed: what landed is skipped, the rest lands once', async () => {
    const u = await newUser();
    await u.import([item('A'), item('B')]); // the part of the batch that landed before the failure
    const retry = await u.import([item('A'), item('B'), item('C')]);
    expect(retry).toMatchObject({ imported: 1, skipped: 2, failed: 0 });
    expect((await u.list()).sort()).toEqual(['A', 'B', 'C']);
  });

  it('tells an item in the trash from one in the vault, and two equal rows of one file', async () => {
    const u = await newUser();
    const [binned] = (await u.import([item('Binned')])).ids;
    expect((await u.remove(binned as string)).status).toBe(204);
    const res = await u.import([item('Binned'), item('Twice'), item('Twice')]);
    expect(res).toMatchObject({ imported: 1, skipped: 2 });
    expect(res.skippedRows.map((s) => [s.row, s.reason])).toEqual([
      [1, 'trash'],
      [3, 'repeated'],
    ]);
  });

  it('imports an item that differs in any value, and the same file into another account', async () => {
    const u = await newUser();
    await u.import([item('A')]);
    expect(await u.import([item('A', 'another password')])).toMatchObject({ imported: 1, skipped: 0 });
    const other = await newUser();
    const res = await other.import([item('A')]);
    expect(res).toMatchObject({ imported: 1, skipped: 0 });
  });

  it('knows an item made by hand again when its own export is imported, and one edited since as new', async () => {
    const u = await newUser();
    const made = await u.create({
      name: 'By hand',
      uris: [{ uri: 'https://hand.example' }],
      password: 'pw 1',
      tags: ['t'],
    });
    const edited = await u.create({ name: 'Edited later', notes: 'first text' });
    const items = await u.exported();
    await u.remove(made); // in the trash now
    const res = await u.import(items);
    expect(res).toMatchObject({ imported: 0, skipped: 2 });
    expect(res.skippedRows.map((s) => [s.id, s.reason]).sort()).toEqual(
      [
        [made, 'trash'],
        [edited, 'present'],
      ].sort(),
    );
    expect(
      await u.import([{ type: 2, name: 'Edited later', notes: 'other text', secureNote: { type: 0 } }]),
    ).toMatchObject({ imported: 1 });
  });
});
