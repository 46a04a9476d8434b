import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '../src/client';
import { apiRequestUrl, checkApiUrl, sameApi } from '../src/url';

describe('Function: checkApiUrl (the API root)', () => {
  it.each([
    ['https://x.execute-api.eu-west-1.amazonaws.com/v1', 'https://x.execute-api.eu-west-1.amazonaws.com'],
    ['https://x.execute-api.eu-west-1.amazonaws.com/v1/', 'https://x.execute-api.eu-west-1.amazonaws.com'],
    ['https://d111111abcdef8.cloudfront.net', 'https://d111111abcdef8.cloudfront.net'],
    ['https://d111111abcdef8.cloudfront.net/', 'https://d111111abcdef8.cloudfront.net'],
    ['https://vault.example.com/team/v1', 'https://vault.example.com/team'],
    ['https://vault.example.com/team/', 'https://vault.example.com/team'],
    ['https://vault.example.com/v10', 'https://vault.example.com/v10'],
    ['http://127.0.0.1:3000/v1', 'http://127.0.0.1:3000'],
  ])('takes %s as the root %s', (given, root) => {
    expect(checkApiUrl(given)).toBe(root);
  });

  it('builds request URLs under the root without dropping its base path', () => {
    expect(apiRequestUrl(checkApiUrl('https://vault.example.com/team/v1/'), '/v1/secrets?limit=1').href).toBe(
      'https://vault.example.com/team/v1/secrets?limit=1',
    );
    expect(
      apiRequestUrl(checkApiUrl('https://x.execute-api.eu-west-1.amazonaws.com/v1'), '/v1/health').href,
    ).toBe('https://x.execute-api.eu-west-1.amazonaws.com/v1/health');
  });

  it('throws when the address carries a query or a fragment', () => {
    expect(() => checkApiUrl('https://vault.example.com/?x=1')).toThrow(
      'the API address must not carry a query or a fragment',
    );
    expect(() => checkApiUrl('https://vault.example.com/#v1')).toThrow(/query or a fragment/);
  });

  it('matches a login stored under the stage URL to the same API root', () => {
    expect(
      sameApi(
        'https://x.execute-api.eu-west-1.amazonaws.com/v1/',
        'https://x.execute-api.eu-west-1.amazonaws.com',
      ),
    ).toBe(true);
    expect(sameApi('https://other.example.com', 'https://x.execute-api.eu-west-1.amazonaws.com')).toBe(false);
    expect(sameApi('not a url', 'https://x.example.com')).toBe(false);
  });
});

describe('Class: Client (request URLs)', () => {
  let server: Server;
  let origin: string;
  const seen: string[] = [];

  beforeAll(async () => {
    // A real HTTP server that records the paths the client asks for.
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ['the stage URL', '/v1', '/v1/health'],
    ['the stage URL with a trailing slash', '/v1/', '/v1/health'],
    ['the root', '', '/v1/health'],
    ['a root under a base path', '/team', '/team/v1/health'],
    ['a stage URL under a base path', '/team/v1/', '/team/v1/health'],
  ])('calls /v1/health once under %s', async (_name, base, expected) => {
    // GIVEN
    seen.length = 0;
    const client = new Client(checkApiUrl(`${origin}${base}`), undefined, {});

    // WHEN
    const res = await client.call<{ status: string }>('GET', '/v1/health', undefined, {}, false);

    // THEN
    expect(res.data).toEqual({ status: 'ok' });
    expect(seen).toEqual([expected]);
  });
});
