import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { SecretMetadata } from '@kmsvault/core';
import { call, startTestStack, type TestRequest, type TestStack } from '../../src/testing';

type Page = { items: SecretMetadata[] };

/**
 * Issue 17: site search matches every URI of an item by its match rule, on
 * the template-driven stack, with one beacon per URI and no URI in the clear.
 */
describe('GET /v1/secrets?site= matches each URI by its rule', () => {
  let suite: TestStack;
  let bearer: string;
  const send = <T>(path: string, req: TestRequest = {}) =>
    call<T>(suite.stack.info.apiUrl, path, { bearer, ...req });
  const site = async (address: string) =>
    (await send<Page>(`/v1/secrets?site=${encodeURIComponent(address)}`)).body.items
      .map((i) => i.name)
      .sort();

  beforeAll(async () => {
    suite = await startTestStack('site-search');
    const body = { username: `site-${process.pid}`, password: 'site search test password' };
    await call(suite.stack.info.apiUrl, '/v1/auth/signup', { method: 'POST', body });
    bearer = (
      await call<{ accessToken: string }>(suite.stack.info.apiUrl, '/v1/auth/login', { method: 'POST', body })
    ).body.accessToken;
    let n = 0;
    const create = async (name: string, uris: { uri: string; match?: string }[]) => {
      const res = await send('/v1/secrets', {
        method: 'POST',
        headers: { 'idempotency-key': `site-${++n}` },
        body: { name, uris, password: `pw of ${name}` },
      });
      expect(res.status).toBe(201);
    };
    await create('Google', [{ uri: 'https://accounts.google.com/signin' }]);
    await create('AWS', [{ uri: 'https://signin.example.net' }, { uri: 'https://console.aws.amazon.com/' }]);
    await create('Intranet', [{ uri: '^https://([a-z]+\\.)?corp\\.example/', match: 'regex' }]);
    await create('Router', [{ uri: 'http://192.168.1.1:8080', match: 'host' }]);
    await create('Docs', [{ uri: 'https://docs.example.org/team/', match: 'startsWith' }]);
    await create('Hidden', [{ uri: 'https://google.com', match: 'never' }]);
    await create('Pages', [{ uri: 'https://alice.github.io' }]);
  });
  afterAll(() => suite.stop());

  it('finds an item by a later URI and by its registrable domain', async () => {
    expect(await site('google.com')).toEqual(['Google']);
    expect(await site('aws.amazon.com')).toEqual(['AWS']);
    expect(await site('https://eu-west-1.console.aws.amazon.com/ec2')).toEqual(['AWS']);
    expect(await site('signin.example.net')).toEqual(['AWS']);
  });

  it('applies host, startsWith, regex and never as the item says', async () => {
    expect(await site('http://192.168.1.1:8080/admin')).toEqual(['Router']);
    expect(await site('192.168.1.1')).toEqual([]);
    expect(await site('https://docs.example.org/team/page')).toEqual(['Docs']);
    expect(await site('https://docs.example.org/other')).toEqual([]);
    expect(await site('https://wiki.corp.example/x')).toEqual(['Intranet']);
    expect(await site('bob.github.io')).toEqual([]);
    expect(await site('nothing.example')).toEqual([]);
  });

  it('stores one beacon per URI and rule, and none of the addresses in the clear', async () => {
    const scan = await suite.stack.dynamodb.send(
      new ScanCommand({ TableName: suite.stack.config.tables.vault }),
    );
    const aws = (scan.Items ?? []).filter(
      (i) => i.beacons?.S !== undefined && i.sk?.S?.startsWith('SECRET#'),
    );
    expect(aws.length).toBe(6); // every item but the one whose only URI never matches
    const counts = aws.map((i) => (i.beacons?.S ?? '').trim().split(' ').length).sort();
    expect(counts).toEqual([1, 1, 1, 1, 1, 2]);
    const raw = JSON.stringify(scan.Items);
    for (const host of [
      'accounts.google.com',
      'amazon.com',
      'corp',
      '192.168.1.1',
      'docs.example.org',
      'github.io',
    ])
      expect(raw).not.toContain(host);
  });
});
