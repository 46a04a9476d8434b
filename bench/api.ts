import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '@kmsvault/local';
import { call, kmsStats, resetKmsStats } from '@kmsvault/local/testing';
import { median, nowMs, percentile, round } from './stats';

type Tokens = { accessToken: string; refreshToken: string };

async function stackWith(config: LocalStackOptions['config'] = {}): Promise<LocalStack> {
  return startLocalStack({
    inMemory: true,
    dataDir: mkdtempSync(join(tmpdir(), 'kmsvault-bench-')),
    writeLocalJson: false,
    config,
  });
}

async function account(stack: LocalStack, name: string) {
  const url = stack.info.apiUrl;
  const password = 'a benchmark passphrase of some length';
  await call(url, '/v1/auth/signup', { method: 'POST', body: { username: name, password } });
  const { body } = await call<Tokens>(url, '/v1/auth/login', {
    method: 'POST',
    body: { username: name, password },
  });
  let keys = 0;
  const create = async (n: number) =>
    (
      await call<{ id: string }>(url, '/v1/secrets', {
        method: 'POST',
        bearer: body.accessToken,
        headers: { 'idempotency-key': `bench-${name}-${++keys}` },
        body: {
          name: `Site ${n}`,
          url: `https://site${n}.example/login`,
          username: `user${n}`,
          password: `pw-${n}-xyz`,
          notes: 'notes',
          tags: ['bench'],
        },
      })
    ).body.id;
  return { password, token: body.accessToken, create };
}

/** KMS calls per operation, counted by the emulator through the local stack. */
async function kmsCalls(stack: LocalStack, cold: LocalStack) {
  const count = async (target: LocalStack, op: () => Promise<unknown>) => {
    await resetKmsStats(target.info.kmsEndpoint);
    await op();
    return Object.values(await kmsStats(target.info.kmsEndpoint)).reduce((a, b) => a + b, 0);
  };
  const url = stack.info.apiUrl;
  await account(stack, 'warmup'); // warms public keys, JWKS, decoys
  const signup = await count(stack, () =>
    call(url, '/v1/auth/signup', {
      method: 'POST',
      body: { username: 'counted', password: 'a counted passphrase here' },
    }),
  );
  const login = await count(stack, () =>
    call(url, '/v1/auth/login', {
      method: 'POST',
      body: { username: 'counted', password: 'a counted passphrase here' },
    }),
  );
  const user = await account(stack, 'kmsuser');
  const ids: string[] = [];
  for (let i = 0; i < 50; i++) ids.push(await user.create(i));
  await call(url, `/v1/secrets/${ids[0]}`, { bearer: user.token });
  const nobody = `00000000-0000-0000-0000-000000000000.${'A'.repeat(43)}`;
  const authorized_request = await count(stack, () =>
    call(url, '/v1/auth/logout', { method: 'POST', bearer: user.token, body: { refreshToken: nobody } }),
  );
  const get_warm = await count(stack, () => call(url, `/v1/secrets/${ids[1]}`, { bearer: user.token }));
  const put_warm = await count(stack, () =>
    call(url, `/v1/secrets/${ids[2]}`, {
      method: 'PUT',
      bearer: user.token,
      headers: { 'if-match': '"1"' },
      body: { name: 'renamed' },
    }),
  );
  const list_50 = await count(stack, () => call(url, '/v1/secrets?limit=50', { bearer: user.token }));
  const search_site = await count(stack, () =>
    call(url, '/v1/secrets?site=site7.example', { bearer: user.token }),
  );
  const coldUser = await account(cold, 'colduser');
  const coldId = await coldUser.create(1);
  const get_cold = await count(cold, () =>
    call(cold.info.apiUrl, `/v1/secrets/${coldId}`, { bearer: coldUser.token }),
  );
  return { signup, login, authorized_request, get_warm, get_cold, put_warm, list_50, search_site };
}

async function latencies(stack: LocalStack, iterations: number) {
  const url = stack.info.apiUrl;
  const user = await account(stack, 'latency');
  const id = await user.create(1);
  const pk = `USER#${(JSON.parse(Buffer.from(user.token.split('.')[1] as string, 'base64url').toString()) as { sub: string }).sub}`;
  const get: number[] = [];
  const raw: number[] = [];
  const put: number[] = [];
  for (let i = 0; i < 50; i++) await call(url, `/v1/secrets/${id}`, { bearer: user.token });
  // Side by side: one API GET, then one raw GetItem of the same item on the same DynamoDB Local.
  for (let i = 0; i < iterations; i++) {
    let t = nowMs();
    await call(url, `/v1/secrets/${id}`, { bearer: user.token });
    get.push(nowMs() - t);
    t = nowMs();
    await stack.dynamodb.send(
      new GetItemCommand({
        TableName: stack.config.tables.vault,
        Key: { pk: { S: pk }, sk: { S: `SECRET#${id}` } },
        ConsistentRead: true,
      }),
    );
    raw.push(nowMs() - t);
  }
  for (let i = 0; i < 100; i++) {
    const t = nowMs();
    await call(url, `/v1/secrets/${id}`, {
      method: 'PUT',
      bearer: user.token,
      headers: { 'if-match': `"${i + 1}"` },
      body: { name: `v${i}` },
    });
    put.push(nowMs() - t);
  }
  const login: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = nowMs();
    await call(url, '/v1/auth/login', {
      method: 'POST',
      body: { username: 'latency', password: user.password },
    });
    login.push(nowMs() - t);
  }
  // Throughput: 16 clients reading for 5 s.
  let done = 0;
  const end = nowMs() + 5_000;
  const started = nowMs();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (nowMs() < end) {
        await call(url, `/v1/secrets/${id}`, { bearer: user.token });
        done++;
      }
    }),
  );
  const rps = (done * 1000) / (nowMs() - started);
  return {
    get_p50_ms: round(median(get)),
    get_p99_ms: round(percentile(get, 99)),
    raw_getitem_p50_ms: round(median(raw)),
    ratio_get_vs_raw: round(median(get) / median(raw)),
    put_p50_ms: round(median(put)),
    login_p50_ms: round(median(login)),
    rps_c16: round(rps, 0),
  };
}

export async function benchApi(iterations = 400) {
  // Default settings, scrypt N=2^17 included: what a deployment runs.
  const stack = await stackWith();
  const cold = await stackWith({ keyCacheMaxAgeMs: 0 });
  try {
    const kms_calls = await kmsCalls(stack, cold);
    const api = await latencies(stack, iterations);
    return { kms_calls, api };
  } finally {
    await cold.stop();
    await stack.stop();
  }
}
