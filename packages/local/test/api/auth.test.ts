import { createHmac, sign as cryptoSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { KmsJwsSigner, type PasswordStrategyName } from '@kmsvault/core';
import {
  calculateJwkThumbprint,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  type JWK,
  jwtVerify,
} from 'jose';
import { type LocalStack, startLocalStack } from '../../src/stack';
import { call, captureStdout, kmsStats, resetKmsStats, type TestResponse } from '../../src/testing';
import { strategyStack } from '../support/assembly';

type Tokens = { accessToken: string; refreshToken: string; tokenType: string; expiresIn: number };
type Problem = {
  code: string;
  detail: string;
  status: number;
  instance?: string;
  errors?: { path: string }[];
};

const FAST_SCRYPT = { N: 2 ** 12, r: 8, p: 1, keyLength: 32 };
const BACKOFF = { freeAttempts: 3, accountFreeAttempts: 8, baseSeconds: 1, maxSeconds: 900 };

let counter = 0;
const uniqueName = (prefix = 'user') => `${prefix}-${process.pid}-${++counter}`;
const GOOD_PASSWORD = 'a long and unusual passphrase';

describe.each<PasswordStrategyName>(['rsa', 'hmac'])(
  'Auth API over HTTP (password strategy %s)',
  (strategy) => {
    let stack: LocalStack;
    let url: string;
    let logs: ReturnType<typeof captureStdout>;
    const secrets: string[] = [];

    beforeAll(async () => {
      logs = captureStdout();
      stack = await startLocalStack({
        inMemory: true,
        dataDir: mkdtempSync(join(tmpdir(), 'kmsvault-auth-')),
        config: { scrypt: FAST_SCRYPT, loginBackoff: BACKOFF },
        ...strategyStack(strategy),
        logLevel: 'DEBUG',
      });
      url = stack.info.apiUrl;
    });

    afterAll(async () => {
      await stack.stop();
      logs.restore();
    });

    const post = <T = unknown>(path: string, body: unknown, extra: { bearer?: string; from?: string } = {}) =>
      call<T>(url, path, { method: 'POST', body, ...extra });
    const signup = async (username = uniqueName(), password = GOOD_PASSWORD) => {
      secrets.push(password);
      const res = await post<{ userId: string }>('/v1/auth/signup', { username, password });
      expect(res.status).toBe(201);
      return { username, password, userId: res.body.userId };
    };
    const login = async (username: string, password: string, from?: string) => {
      const res = await post<Tokens>('/v1/auth/login', { username, password }, from ? { from } : {});
      if (res.status === 200) secrets.push(res.body.accessToken, res.body.refreshToken);
      return res;
    };
    const withoutInstance = (res: TestResponse) => {
      const { instance: _i, ...rest } = res.body as Problem;
      return rest;
    };

    describe('POST /v1/auth/signup', () => {
      it('creates an account and answers 201 with its userId', async () => {
        const res = await post<{ userId: string }>('/v1/auth/signup', {
          username: uniqueName(),
          password: GOOD_PASSWORD,
        });
        expect(res.status).toBe(201);
        expect(res.body.userId).toMatch(/^[0-9a-f-]{36}$/);
        expect(res.headers['content-type']).toBe('application/json');
      });

      it('answers 409 for a taken username, whatever its case, width or surrounding spaces', async () => {
        const base = uniqueName('taken');
        await signup(`Ｔ${base}`);
        for (const variant of [`t${base}`, `  T${base}  `, `T${base.toUpperCase()}`]) {
          const res = await post<Problem>('/v1/auth/signup', { username: variant, password: GOOD_PASSWORD });
          expect(res.status).toBe(409);
          expect(res.headers['content-type']).toBe('application/problem+json');
          expect(res.body.code).toBe('username_taken');
        }
      });

      it('answers one 201 and one 409 to two concurrent signups of one username', async () => {
        const username = uniqueName('race');
        const results = await Promise.all([
          post('/v1/auth/signup', { username, password: GOOD_PASSWORD }),
          post('/v1/auth/signup', { username: username.toUpperCase(), password: GOOD_PASSWORD }),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      });

      it('answers 400 for a username under 3 or over 64 characters', async () => {
        for (const username of ['ab', '  ab  ', 'x'.repeat(65)]) {
          const res = await post<Problem>('/v1/auth/signup', { username, password: GOOD_PASSWORD });
          expect(res.status).toBe(400);
          expect(res.body.errors?.[0]?.path).toBe('username');
        }
        expect(
          (await post('/v1/auth/signup', { username: 'é'.repeat(64), password: GOOD_PASSWORD })).status,
        ).toBe(201);
      });

      it('answers 400 for a password under 8 characters, recommending 15', async () => {
        const res = await post<Problem>('/v1/auth/signup', { username: uniqueName(), password: 'seven77' });
        expect(res.status).toBe(400);
        expect(res.body.detail).toMatch(/at least 8 characters; 15 or more is recommended/);
      });

      it('accepts any Unicode password of 8 to 256 characters with no composition rules', async () => {
        for (const password of [
          'correcthorse',
          'пароль мой длинный',
          '🔑🔑🔑🔑🔑🔑🔑🔑',
          'x'.repeat(7) + ' '.repeat(121),
          'ü'.repeat(256),
        ]) {
          expect((await post('/v1/auth/signup', { username: uniqueName(), password })).status).toBe(201);
        }
        expect(
          (await post('/v1/auth/signup', { username: uniqueName(), password: 'ü'.repeat(257) })).status,
        ).toBe(400);
      });

      it('answers 400 for one of the most common passwords, whatever its case', async () => {
        for (const password of ['password', 'Iloveyou1', 'QWERTYUIOP']) {
          const res = await post<Problem>('/v1/auth/signup', { username: uniqueName(), password });
          expect(res.status).toBe(400);
          expect(res.body.detail).toMatch(/most common passwords/);
        }
      });

      it('answers 400 for unknown fields or malformed JSON, and 415 for another content type', async () => {
        const unknown = await post<Problem>('/v1/auth/signup', {
          username: uniqueName(),
          password: GOOD_PASSWORD,
          admin: true,
        });
        expect(unknown.status).toBe(400);
        expect(
          (
            await call(url, '/v1/auth/signup', {
              method: 'POST',
              body: '{"username":',
              headers: { 'content-type': 'application/json' },
            })
          ).status,
        ).toBe(400);
        expect(
          (
            await call(url, '/v1/auth/signup', {
              method: 'POST',
              body: 'username=a',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
            })
          ).status,
        ).toBe(415);
      });
    });

    describe('POST /v1/auth/login', () => {
      it('answers 200 with a Bearer access token and a refresh token', async () => {
        const user = await signup();
        const res = await login(user.username.toUpperCase(), user.password);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          accessToken: expect.any(String),
          refreshToken: expect.stringMatching(new RegExp(`^${user.userId}\\.[A-Za-z0-9_-]{43}$`)),
          tokenType: 'Bearer',
          expiresIn: 900,
          deviceToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        });
      });

      it('issues ES256 access tokens with kid, typ JWT and the claims iss, aud, sub, iat, nbf, exp (15 min), jti, auth_time', async () => {
        const user = await signup();
        const { body } = await login(user.username, user.password);
        const header = decodeProtectedHeader(body.accessToken);
        const claims = decodeJwt(body.accessToken);
        const jwks = (await call<{ keys: JWK[] }>(url, '/v1/.well-known/jwks.json')).body;
        expect(header).toEqual({ alg: 'ES256', typ: 'JWT', kid: jwks.keys[0]?.kid });
        expect(claims).toEqual({
          iss: stack.config.tokens.issuer,
          aud: 'kmsvault-api',
          sub: user.userId,
          sid: expect.any(String),
          iat: expect.any(Number),
          nbf: claims.iat,
          exp: (claims.iat as number) + 900,
          jti: expect.any(String),
          // OpenID Connect's auth_time: the password was given at this login (an export needs it recent).
          auth_time: expect.any(Number),
        });
        expect(Math.abs((claims.auth_time as number) - (claims.iat as number))).toBeLessThanOrEqual(1);
      });

      it('answers the same status and body for an unknown username and a wrong password, with the same KMS work', async () => {
        // Arrange
        const user = await signup();
        await login(uniqueName('warm'), 'warm up the decoy', '127.0.0.9');
        await resetKmsStats(stack.info.kmsEndpoint);

        // Act
        const wrong = await login(user.username, 'not the password', '127.0.0.10');
        const wrongCalls = await kmsStats(stack.info.kmsEndpoint);
        await resetKmsStats(stack.info.kmsEndpoint);
        const unknown = await login(uniqueName('nobody'), 'not the password', '127.0.0.11');
        const unknownCalls = await kmsStats(stack.info.kmsEndpoint);

        // Assert
        expect(wrong.status).toBe(401);
        expect(unknown.status).toBe(401);
        expect(withoutInstance(wrong)).toEqual(withoutInstance(unknown));
        expect(wrongCalls).toEqual(unknownCalls);
        expect(wrongCalls).toEqual(strategy === 'rsa' ? { Decrypt: 1 } : { VerifyMac: 1 });
      });

      it('backs off with 429 and a growing Retry-After per client, never locking the owner out', async () => {
        // Arrange
        const user = await signup();
        const attacker = '127.0.0.2';
        const owner = '127.0.0.3';

        // Act + Assert: the free attempts fail normally.
        for (let i = 0; i < BACKOFF.freeAttempts; i++)
          expect((await login(user.username, `guess ${i}`, attacker)).status).toBe(401);
        const locked = await login(user.username, user.password, attacker);
        expect(locked.status).toBe(429);
        expect(locked.headers['retry-after']).toBe('1');
        expect((locked.body as unknown as Problem).code).toBe('too_many_requests');

        // The owner, elsewhere, is not affected.
        expect((await login(user.username, user.password, owner)).status).toBe(200);

        // After the wait one more guess is allowed; it doubles the wait.
        await sleep(1_100);
        expect((await login(user.username, 'another guess', attacker)).status).toBe(401);
        const longer = await login(user.username, user.password, attacker);
        expect(longer.status).toBe(429);
        expect(longer.headers['retry-after']).toBe('2');

        // A correct password after the delay works again.
        await sleep(2_100);
        expect((await login(user.username, user.password, attacker)).status).toBe(200);
      });

      it('costs exactly 2 KMS calls (password check and Sign); signup costs at most 2', async () => {
        // Arrange
        const warm = await signup();
        await login(warm.username, warm.password);
        await resetKmsStats(stack.info.kmsEndpoint);

        // Act
        const user = await signup();
        const signupCalls = await kmsStats(stack.info.kmsEndpoint);
        await resetKmsStats(stack.info.kmsEndpoint);
        expect((await login(user.username, user.password)).status).toBe(200);
        const loginCalls = await kmsStats(stack.info.kmsEndpoint);

        // Assert
        expect(Object.values(signupCalls).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2);
        expect(loginCalls).toEqual(strategy === 'rsa' ? { Decrypt: 1, Sign: 1 } : { VerifyMac: 1, Sign: 1 });
      });
    });

    describe('POST /v1/auth/refresh', () => {
      it('rotates the refresh token and returns new tokens', async () => {
        const user = await signup();
        const first = (await login(user.username, user.password)).body;
        const res = await post<Tokens>('/v1/auth/refresh', { refreshToken: first.refreshToken });
        secrets.push(res.body.accessToken, res.body.refreshToken);
        expect(res.status).toBe(200);
        expect(res.body.refreshToken).not.toBe(first.refreshToken);
        expect(decodeJwt(res.body.accessToken).sub).toBe(user.userId);
        expect(decodeJwt(res.body.accessToken).sid).toBe(decodeJwt(first.accessToken).sid);
      });

      it('revokes the whole family when a rotated refresh token is presented again past its one grace use', async () => {
        // Arrange
        const user = await signup();
        const first = (await login(user.username, user.password)).body;
        const second = (await post<Tokens>('/v1/auth/refresh', { refreshToken: first.refreshToken })).body;
        // A client's parallel refresh with the token just rotated gets one sibling (the grace)...
        const sibling = await post<Tokens>('/v1/auth/refresh', { refreshToken: first.refreshToken });
        expect(sibling.status).toBe(200);

        // Act: ...a third use is a replay.
        const replay = await post<Problem>('/v1/auth/refresh', { refreshToken: first.refreshToken });
        const afterReplay = await post<Problem>('/v1/auth/refresh', { refreshToken: second.refreshToken });
        const siblingAfter = await post<Problem>('/v1/auth/refresh', {
          refreshToken: sibling.body.refreshToken,
        });
        const accessAfter = await call(stack.info.apiUrl, '/v1/secrets', { bearer: second.accessToken });

        // Assert
        expect(replay.status).toBe(401);
        expect(replay.body.code).toBe('invalid_refresh_token');
        expect(afterReplay.status).toBe(401);
        expect(siblingAfter.status).toBe(401);
        expect(accessAfter.status).toBe(401);
      });

      it('keeps the session when two refreshes race with one token (issue 13, item 7)', async () => {
        // Arrange
        const user = await signup();
        const first = (await login(user.username, user.password)).body;

        // Act: the web vault's parallel requests after 15 idle minutes.
        const [a, b] = await Promise.all([
          post<Tokens>('/v1/auth/refresh', { refreshToken: first.refreshToken }),
          post<Tokens>('/v1/auth/refresh', { refreshToken: first.refreshToken }),
        ]);

        // Assert: both get tokens, and both chains go on.
        expect([a.status, b.status]).toEqual([200, 200]);
        for (const next of [a.body, b.body]) {
          expect((await post('/v1/auth/refresh', { refreshToken: next.refreshToken })).status).toBe(200);
        }
      });
    });

    describe('POST /v1/auth/logout', () => {
      it('answers 204 and ends the session of the refresh token, costing 0 KMS calls', async () => {
        // Arrange
        const user = await signup();
        const tokens = (await login(user.username, user.password)).body;
        const warm = await post(
          '/v1/auth/logout',
          { refreshToken: `${user.userId}.${'B'.repeat(43)}` },
          { bearer: tokens.accessToken },
        );
        expect(warm.status).toBe(204); // the authorizer has its keys now
        await resetKmsStats(stack.info.kmsEndpoint);

        // Act
        const res = await post(
          '/v1/auth/logout',
          { refreshToken: tokens.refreshToken },
          { bearer: tokens.accessToken },
        );
        const calls = await kmsStats(stack.info.kmsEndpoint);

        // Assert
        expect(res.status).toBe(204);
        expect(res.text).toBe('');
        expect(calls).toEqual({});
        expect((await post('/v1/auth/refresh', { refreshToken: tokens.refreshToken })).status).toBe(401);
      });

      it('ends the session with the refresh token alone, after the access token expired (issue 13, item 8)', async () => {
        // Arrange
        const user = await signup();
        const tokens = (await login(user.username, user.password)).body;
        const other = (await login(user.username, user.password)).body;

        // Act: no Authorization header at all.
        const res = await post('/v1/auth/logout', { refreshToken: tokens.refreshToken });

        // Assert: this session is over, its access token too; the other session is not touched.
        expect(res.status).toBe(204);
        expect((await post('/v1/auth/refresh', { refreshToken: tokens.refreshToken })).status).toBe(401);
        expect((await call(stack.info.apiUrl, '/v1/secrets', { bearer: tokens.accessToken })).status).toBe(
          401,
        );
        expect((await post('/v1/auth/refresh', { refreshToken: other.refreshToken })).status).toBe(200);
      });

      it('answers 400 for a malformed refresh token and 204 for an unknown one', async () => {
        const malformed = await post<Problem>('/v1/auth/logout', { refreshToken: 'x' });
        expect(malformed.status).toBe(400);
        expect(malformed.headers['content-type']).toBe('application/problem+json');
        const unknown = await post('/v1/auth/logout', {
          refreshToken: `00000000-0000-0000-0000-000000000000.${'A'.repeat(43)}`,
        });
        expect(unknown.status).toBe(204);
      });
    });

    describe('POST /v1/account/password', () => {
      it("changes the password and revokes the other sessions' refresh tokens, keeping this one", async () => {
        // Arrange
        const user = await signup();
        const here = (await login(user.username, user.password)).body;
        const elsewhere = (await login(user.username, user.password)).body;
        const newPassword = 'an entirely new passphrase';
        secrets.push(newPassword);

        // Act
        const res = await post(
          '/v1/account/password',
          { currentPassword: user.password, newPassword },
          { bearer: here.accessToken },
        );

        // Assert
        expect(res.status).toBe(204);
        expect((await post('/v1/auth/refresh', { refreshToken: elsewhere.refreshToken })).status).toBe(401);
        const kept = await post<Tokens>('/v1/auth/refresh', { refreshToken: here.refreshToken });
        expect(kept.status).toBe(200);
        secrets.push(kept.body.accessToken, kept.body.refreshToken);
        expect((await login(user.username, user.password)).status).toBe(401);
        expect((await login(user.username, newPassword)).status).toBe(200);
      });

      it('answers 403 for a wrong current password and 400 for a weak new one', async () => {
        const user = await signup();
        const tokens = (await login(user.username, user.password)).body;
        const wrong = await post<Problem>(
          '/v1/account/password',
          { currentPassword: 'wrong wrong', newPassword: 'a fine new passphrase' },
          { bearer: tokens.accessToken },
        );
        const weak = await post<Problem>(
          '/v1/account/password',
          { currentPassword: user.password, newPassword: 'short' },
          { bearer: tokens.accessToken },
        );
        expect(wrong.status).toBe(403);
        expect(weak.status).toBe(400);
        expect(weak.body.errors?.[0]?.path).toBe('newPassword');
      });
    });

    describe('GET /v1/.well-known/jwks.json', () => {
      it('lists the signing key as an ES256 JWK whose kid is its RFC 7638 thumbprint', async () => {
        const res = await call<{ keys: JWK[] }>(url, '/v1/.well-known/jwks.json');
        const key = res.body.keys[0] as JWK;
        expect(res.status).toBe(200);
        expect(res.headers['cache-control']).toBe('public, max-age=300');
        expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
        expect(key.kid).toBe(await calculateJwkThumbprint(key, 'sha256'));
      });

      it('verifies a login token with jose.createRemoteJWKSet pointed at the local JWKS URL', async () => {
        const user = await signup();
        const { body } = await login(user.username, user.password);
        const jwks = createRemoteJWKSet(new URL(`${url}/.well-known/jwks.json`));
        const { payload } = await jwtVerify(body.accessToken, jwks, {
          issuer: stack.config.tokens.issuer,
          audience: 'kmsvault-api',
          algorithms: ['ES256'],
        });
        expect(payload.sub).toBe(user.userId);
      });
    });

    describe('JWT attacks on the authorizer', () => {
      let valid: Tokens;
      let signer: KmsJwsSigner;
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const claims = (o: Record<string, unknown> = {}) => {
        const now = Math.floor(Date.now() / 1000);
        return {
          iss: stack.config.tokens.issuer,
          aud: 'kmsvault-api',
          sub: valid ? decodeJwt(valid.accessToken).sub : 'x',
          sid: 's',
          iat: now,
          nbf: now,
          exp: now + 900,
          ...o,
        };
      };
      // A bearer route: the list answers 200 once the authorizer lets the request through.
      const authorised = (token: string) =>
        call<Problem>(stack.info.apiUrl, '/v1/secrets', { bearer: token });

      beforeAll(async () => {
        const user = await signup();
        valid = (await login(user.username, user.password)).body;
        signer = new KmsJwsSigner({ kms: stack.kmsAs('auth'), keyId: stack.config.keys.signing });
      });

      it('lets a valid token through (the control case)', async () => {
        expect((await authorised(valid.accessToken)).status).toBe(200);
      });

      const attacks: [string, () => Promise<string>][] = [
        ['alg none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
        [
          'HS256 signed with the public key',
          async () => {
            const jwks = (await call<{ keys: JWK[] }>(url, '/v1/.well-known/jwks.json')).body;
            const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: jwks.keys[0]?.kid })}.${b64(claims())}`;
            return `${input}.${createHmac('sha256', JSON.stringify(jwks.keys[0])).update(input).digest('base64url')}`;
          },
        ],
        [
          'expired',
          () =>
            signer.sign(
              claims({
                exp: Math.floor(Date.now() / 1000) - 60,
                iat: Math.floor(Date.now() / 1000) - 1000,
                nbf: Math.floor(Date.now() / 1000) - 1000,
              }),
            ),
        ],
        ['nbf in the future', () => signer.sign(claims({ nbf: Math.floor(Date.now() / 1000) + 600 }))],
        ['wrong iss', () => signer.sign(claims({ iss: 'https://evil.example' }))],
        ['wrong aud', () => signer.sign(claims({ aud: 'another-api' }))],
        [
          'wrong typ',
          async () => {
            const token = await signer.sign(claims());
            const [, p, s] = token.split('.');
            const header = decodeProtectedHeader(token);
            return `${b64({ ...header, typ: 'at+jwt' })}.${p}.${s}`;
          },
        ],
        [
          'unknown kid',
          async () => {
            const [, p, s] = valid.accessToken.split('.');
            return `${b64({ alg: 'ES256', typ: 'JWT', kid: 'no-such-key' })}.${p}.${s}`;
          },
        ],
        [
          'a kid that names a different key',
          async () => {
            const other = (
              await stack.kms.send(
                new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
              )
            ).KeyMetadata?.KeyId as string;
            const otherSigner = new KmsJwsSigner({ kms: stack.kms, keyId: other });
            const forged = await otherSigner.sign(claims());
            const [, p, s] = forged.split('.');
            return `${b64(decodeProtectedHeader(valid.accessToken))}.${p}.${s}`;
          },
        ],
        [
          'a token signed by another P-256 key',
          async () => {
            const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
            const kid = await calculateJwkThumbprint((await exportJWK(publicKey)) as JWK, 'sha256');
            const input = `${b64({ alg: 'ES256', typ: 'JWT', kid })}.${b64(claims())}`;
            return `${input}.${cryptoSign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
          },
        ],
        [
          'a tampered payload',
          async () => {
            const [h, p, s] = valid.accessToken.split('.');
            const payload = JSON.parse(Buffer.from(p as string, 'base64url').toString());
            return `${h}.${b64({ ...payload, sub: '00000000-0000-0000-0000-000000000000' })}.${s}`;
          },
        ],
        [
          'the signature in DER instead of r||s',
          async () => {
            const [h, p, s] = valid.accessToken.split('.');
            const raw = Buffer.from(s as string, 'base64url');
            const int = (b: Buffer) => {
              let v = b;
              while (v.length > 1 && v[0] === 0 && (v[1] as number) < 0x80) v = v.subarray(1);
              return (v[0] as number) >= 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v;
            };
            const r = int(raw.subarray(0, 32));
            const sig = int(raw.subarray(32));
            const der = Buffer.concat([
              Buffer.from([0x30, 4 + r.length + sig.length, 2, r.length]),
              r,
              Buffer.from([2, sig.length]),
              sig,
            ]);
            return `${h}.${p}.${der.toString('base64url')}`;
          },
        ],
        ['a refresh token used as an access token', async () => valid.refreshToken],
        ['a malformed token', async () => 'not.a.jwt'],
      ];

      it.each(attacks)('answers 401 problem+json for %s', async (_name, forge) => {
        const res = await authorised(await forge());
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toBe('application/problem+json');
        expect(res.body.code).toBe('unauthorized');
      });
    });

    it('never logs a password, an access token or a refresh token', () => {
      const all = logs.text();
      expect(all.length).toBeGreaterThan(0);
      expect(secrets.length).toBeGreaterThan(10);
      for (const secret of secrets) expect(all).not.toContain(secret);
    });
  },
);
