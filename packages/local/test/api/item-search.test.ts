import { randomUUID } from 'node:crypto';
import type { LocalStack } from '../../src/stack';
import { call, startTestStack, type TestRequest, type TestStack } from '../../src/testing';

type Page = { items: { id: string; name: string; favorite: boolean }[]; nextCursor: string | null };

/** The list's text search, prefix filters and order over HTTP, on items of the item model. */
describe('Searching items over HTTP', () => {
  let suite: TestStack | undefined;
  let stack: LocalStack;
  let bearer: string;

  const send = <T = unknown>(path: string, req: TestRequest = {}) => call<T>(stack.info.apiUrl, path, req);
  const names = async (query: string) =>
    (await send<Page>(`/v1/secrets?${query}`, { bearer })).body.items.map((i) => i.name);

  beforeAll(async () => {
    suite = await startTestStack('item-search');
    ({ stack } = suite);
    const credentials = { username: 'search-user', password: 'a long enough passphrase for search' };
    await send('/v1/auth/signup', { method: 'POST', body: credentials });
    bearer = (await send<{ accessToken: string }>('/v1/auth/login', { method: 'POST', body: credentials }))
      .body.accessToken;
    const items = [
      { name: 'alpha', notes: 'the router is in the hallway', tags: ['Home'], folder: 'Personal/Network' },
      {
        name: 'bravo',
        fields: [
          { name: 'question', value: 'Hallway colour', type: 'text' },
          { name: 'pin', value: 'hallway-secret', type: 'hidden' },
        ],
        tags: ['homework'],
        folder: 'personal',
      },
      { name: 'charlie', favorite: true, tags: ['work'], folder: 'Work' },
      {
        name: 'delta',
        favorite: true,
        uris: [{ uri: 'https://a.example' }, { uri: 'https://hallway.example' }],
      },
      { name: 'echo', fields: [{ name: 'pin', value: 'echo-hidden-word', type: 'hidden' }] },
    ];
    for (const body of items) {
      const res = await send('/v1/secrets', {
        method: 'POST',
        body,
        bearer,
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(res.status).toBe(201);
    }
  });

  afterAll(() => suite?.stop());

  it('lists favourites first, then by name', async () => {
    expect(await names('')).toEqual(['charlie', 'delta', 'alpha', 'bravo', 'echo']);
  });

  it('pages in that order with the cursor, no item twice or missed', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: Page = (await send<Page>(`/v1/secrets?${query}`, { bearer })).body;
      seen.push(...page.items.map((i) => i.name));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(['charlie', 'delta', 'alpha', 'bravo', 'echo']);
  });

  it('finds text in notes, URIs and custom field values, never in hidden fields', async () => {
    expect(await names('q=HALLWAY')).toEqual(['delta', 'alpha', 'bravo']);
    expect(await names('q=echo-hidden-word')).toEqual([]);
    expect(await names('q=hallway-secret')).toEqual([]);
  });

  it('filters tags and folders by prefix, case-insensitively', async () => {
    expect(await names('tag=HOME')).toEqual(['alpha', 'bravo']);
    expect(await names('tag=homew')).toEqual(['bravo']);
    expect(await names('folder=personal')).toEqual(['alpha', 'bravo']);
    expect(await names('folder=Personal%2FNet')).toEqual(['alpha']);
  });
});
