import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { API_STAGE, healthSchema } from '@kmsvault/core';
import { createLocalJWKSet, importJWK, type JSONWebKeySet, type JWK, jwtVerify } from 'jose';
import { CliError } from '../errors';
import { checkApiUrl } from '../url';
import { SmokeFailure, SmokeHttp, summary } from './http';
import { SkippedStep, SmokeReport } from './report';

export interface SmokeOptions {
  /** Where step lines go. */
  readonly out: (line: string) => void;
  /** Where the final failure line goes. */
  readonly err: (line: string) => void;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

export const SMOKE_EXIT = { passed: 0, failed: 1, usage: 2 } as const;

interface Session {
  readonly accessToken: string;
}

/**
 * The post-deploy smoke test, against the URL a client uses: the API stage
 * URL (`…/v1`) or the CloudFront root (which also serves the root JWKS and
 * the web vault). Health, JWKS, then a throwaway user `smoke-<random>` with a
 * random password: signup, login (the access token must verify against the
 * JWKS), a secret created, read back and listed, and, whatever happened after
 * signup, the user deleted (`DELETE /v1/account`) and its login refused. One
 * line per step; no password or token is ever printed. Resolves to the exit code.
 */
export async function smoke(url: string, options: SmokeOptions): Promise<number> {
  const report = new SmokeReport(options.out);
  let root: string;
  try {
    root = checkApiUrl(url);
  } catch (err) {
    options.err(`smoke: ${err instanceof CliError ? err.message : String(err)}`);
    return SMOKE_EXIT.usage;
  }
  const stageUrl = new URL(url).pathname.replace(/\/+$/, '').endsWith(`/${API_STAGE}`);
  const http = new SmokeHttp(root, options.timeoutMs ?? 30_000);
  const username = `smoke-${randomBytes(6).toString('hex')}`;
  const password = randomBytes(24).toString('base64url');
  report.hide(password);
  const started = performance.now();
  report.line(
    `smoke test of ${root} (${stageUrl ? 'API stage URL' : 'CloudFront root'}) with the throwaway user ${username}`,
  );

  let signup: 'not tried' | 'tried' | 'created' = 'not tried';
  let session: Session | undefined;
  try {
    await report.step('health', () => checkHealth(http));
    const jwks = await report.step(
      'jwks',
      () => usableJwks(http, '/v1/.well-known/jwks.json'),
      (set) => `${set.keys.length} key(s)`,
    );
    if (!stageUrl) {
      await report.step('jwks at the root', async () =>
        sameKeys(jwks, await usableJwks(http, '/.well-known/jwks.json')),
      );
      await report.step('web vault', () => checkWebVault(http));
    }
    signup = 'tried';
    await report.step('signup', () =>
      http.expectJson('POST', '/v1/auth/signup', 201, { body: { username, password } }),
    );
    signup = 'created';
    session = await report.step(
      'login',
      () => login(http, report, username, password, jwks),
      () => 'access token verified against the JWKS',
    );
    const token = session.accessToken;
    await report.step(
      'secret',
      () => secretRoundTrip(http, report, token),
      () => 'created, read back and listed',
    );
  } catch (err) {
    if (!(err instanceof SkippedStep)) throw err;
  } finally {
    if (signup !== 'not tried') {
      const created = signup === 'created';
      await report.always(
        'remove the user',
        () => removeUser(http, report, username, password, session, created),
        (removed) => (removed ? `${username} deleted; its login is refused` : 'signup made no user'),
      );
    }
  }

  const took = `${Math.round(performance.now() - started)} ms`;
  const failure = report.failure;
  if (failure === undefined) {
    report.line(`smoke test passed (${took})`);
    return SMOKE_EXIT.passed;
  }
  options.err(`smoke: FAILED at step "${failure.step}" (${took}): ${failure.message}`);
  return SMOKE_EXIT.failed;
}

async function checkHealth(http: SmokeHttp): Promise<void> {
  const body = await http.expectJson<unknown>('GET', '/v1/health', 200);
  if (!healthSchema.safeParse(body).success)
    throw new SmokeFailure(`GET /v1/health answered 200 but not {"status":"ok","dynamodb":"ok","kms":"ok"}`);
}

/** The JWKS at `path`: at least one key, and every key one jose imports. */
async function usableJwks(http: SmokeHttp, path: string): Promise<JSONWebKeySet> {
  const set = await http.expectJson<{ keys?: unknown }>('GET', path, 200);
  if (!Array.isArray(set.keys) || set.keys.length === 0) throw new SmokeFailure(`${path} holds no key`);
  for (const key of set.keys as JWK[]) {
    try {
      await importJWK(key, key.alg ?? 'ES256');
    } catch (err) {
      throw new SmokeFailure(`${path}: key ${String(key.kid)} is not usable: ${(err as Error).message}`);
    }
  }
  return { keys: set.keys as JWK[] };
}

async function sameKeys(stage: JSONWebKeySet, root: JSONWebKeySet): Promise<void> {
  const kids = (set: JSONWebKeySet) => JSON.stringify(set.keys.map((key) => key.kid).sort());
  if (kids(stage) !== kids(root))
    throw new SmokeFailure('/.well-known/jwks.json holds other keys than /v1/.well-known/jwks.json');
}

async function checkWebVault(http: SmokeHttp): Promise<void> {
  const res = await http.expectStatus('GET', '/', 200);
  if (!res.contentType.startsWith('text/html'))
    throw new SmokeFailure(
      `GET / answered ${res.contentType || 'no content type'}, not the web vault's HTML`,
    );
}

async function login(
  http: SmokeHttp,
  report: SmokeReport,
  username: string,
  password: string,
  jwks: JSONWebKeySet,
): Promise<Session> {
  const session = hideTokens(
    report,
    await http.expectJson<Tokens>('POST', '/v1/auth/login', 200, { body: { username, password } }),
  );
  try {
    await jwtVerify(session.accessToken, createLocalJWKSet(jwks));
  } catch (err) {
    throw new SmokeFailure(`the access token does not verify against the JWKS: ${(err as Error).message}`);
  }
  return session;
}

interface Tokens {
  readonly accessToken?: unknown;
  readonly refreshToken?: unknown;
  readonly deviceToken?: unknown;
}

/** Registers every token of a login answer with the report (never printed), and returns the session. */
function hideTokens(report: SmokeReport, tokens: Tokens): Session {
  for (const value of [tokens.accessToken, tokens.refreshToken, tokens.deviceToken])
    if (typeof value === 'string') report.hide(value);
  if (typeof tokens.accessToken !== 'string') throw new SmokeFailure('the login answer has no access token');
  return { accessToken: tokens.accessToken };
}

async function secretRoundTrip(http: SmokeHttp, report: SmokeReport, token: string): Promise<void> {
  const value = randomBytes(18).toString('base64url');
  report.hide(value);
  const { id } = await http.expectJson<{ id: string }>('POST', '/v1/secrets', 201, {
    token,
    headers: { 'idempotency-key': randomUUID() },
    body: { name: 'kmsvault smoke test', password: value },
  });
  const path = `/v1/secrets/${encodeURIComponent(id)}`;
  const read = await http.expectJson<{ password?: unknown }>('GET', path, 200, { token });
  if (read.password !== value) throw new SmokeFailure(`GET ${path} did not give back the password stored`);
  const page = await http.expectJson<{ items?: { id: string }[] }>('GET', '/v1/secrets?limit=200', 200, {
    token,
  });
  if (!page.items?.some((item) => item.id === id))
    throw new SmokeFailure('GET /v1/secrets does not list the secret just created');
}

/**
 * Deletes the throwaway user with its password (a 503 means "send it again
 * with the same session to finish"), then proves its login is refused.
 * Resolves to false when signup, unconfirmed, made no user.
 */
async function removeUser(
  http: SmokeHttp,
  report: SmokeReport,
  username: string,
  password: string,
  session: Session | undefined,
  created: boolean,
): Promise<boolean> {
  const leftBehind = `; the user ${username} may be left behind (holding one test secret; nobody knows its password)`;
  let token = session?.accessToken;
  if (token === undefined) {
    const res = await http.call('POST', '/v1/auth/login', { body: { username, password } });
    if (res.status === 401 && !created) return false;
    if (res.status !== 200 || !res.contentType.includes('json'))
      throw new SmokeFailure(
        `POST /v1/auth/login answered ${res.status} (expected 200): ${summary(res)}${leftBehind}`,
      );
    token = hideTokens(report, JSON.parse(res.text) as Tokens).accessToken;
  }
  let res = await http.call('DELETE', '/v1/account', { token, body: { password } });
  for (let retry = 0; res.status === 503 && retry < 3; retry++)
    res = await http.call('DELETE', '/v1/account', { token, body: { password } });
  if (res.status !== 204) {
    throw new SmokeFailure(
      `DELETE /v1/account answered ${res.status} (expected 204): ${summary(res)}${leftBehind}`,
    );
  }
  const after = await http.call('POST', '/v1/auth/login', { body: { username, password } });
  if (after.status !== 401)
    throw new SmokeFailure(
      `after DELETE /v1/account, login as ${username} answered ${after.status}, not 401`,
    );
  return true;
}
