import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { SecretMetadata } from '@kmsvault/core';
import { type LocalStack, startLocalStack } from '../../src/stack';
import { call } from '../../src/testing';

type Page = { items: SecretMetadata[]; nextCursor: string | null };

const FAST_SCRYPT = { N: 2 ** 12, r: 8, p: 1, keyLength: 32 };
/** A realistic user's distinct sites: as many as surveys give a heavy user. */
const SITES = 150;

describe('Site beacons over HTTP', () => {
  let stack: LocalStack;
  let bearer: string;
  let userId: string;
  const ids = new Map<number, string>();

  beforeAll(async () => {
    stack = await startLocalStack({
      inMemory: true,
      dataDir: mkdtempSync(join(tmpdir(), 'kmsvault-beacons-')),
      config: { scrypt: FAST_SCRYPT },
      logLevel: 'ERROR',
    });
    const url = stack.info.apiUrl;
    const body = { username: `beacons-${process.pid}`, password: 'a long and unusual passphrase' };
    userId = (await call<{ userId: string }>(url, '/v1/auth/signup', { method: 'POST', body })).body.userId;
    bearer = (await call<{ accessToken: string }>(url, '/v1/auth/login', { method: 'POST', body })).body
      .accessToken;
    for (let i = 0; i < SITES; i++) {
      const res = await call<{ id: string }>(url, '/v1/secrets', {
        method: 'POST',
        bearer,
        headers: { 'idempotency-key': `site-${i}` },
        body: { name: `Account ${i}`, url: `https://login.site${i}.example/signin`, password: `pw-${i}` },
      });
      expect(res.status).toBe(201);
      ids.set(i, res.body.id);
    }
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('16-bit beacons barely collide: a table reader sees several sites behind each beacon of a realistic vault', async () => {
    // Act: read the table as someone with read access and no keys does.
    const out = await stack.dynamodb.send(
      new QueryCommand({
        TableName: stack.config.tables.vault,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':pk': { S: `USER#${userId}` }, ':s': { S: 'SECRET#' } },
      }),
    );
    const beacons = (out.Items ?? []).map((item) => item.beacon?.S as string);

    // Assert: 150 sites behind at most 64 beacon values, 2 or more sites each on average
    // (16-bit beacons gave about one site per beacon: 300 hosts, 299 beacons).
    expect(beacons).toHaveLength(SITES);
    const distinct = new Set(beacons).size;
    expect(distinct).toBeLessThanOrEqual(64);
    expect(SITES / distinct).toBeGreaterThanOrEqual(2);
  });

  it('still finds exactly the sought site, in any spelling, and nothing for an absent one', async () => {
    for (let i = 0; i < SITES; i += 7) {
      // Act
      const res = await call<Page>(
        stack.info.apiUrl,
        `/v1/secrets?site=${encodeURIComponent(`WWW.Login.Site${i}.example/other/path`)}`,
        { bearer },
      );

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.items.map((s) => s.id)).toEqual([ids.get(i)]);
    }
    for (let i = 0; i < 20; i++) {
      // Nearly every absent host shares a beacon with a stored one: the candidates are filtered out.
      const res = await call<Page>(stack.info.apiUrl, `/v1/secrets?site=absent${i}.example`, { bearer });
      expect(res.body.items).toEqual([]);
    }
  });
});
