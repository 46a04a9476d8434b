import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { VaultConfig } from '../config';
import { buildJwks, type KmsJwsSigner, type PublicJwk } from '../crypto/jws';
import type { UserKeyring } from '../crypto/keyring';
import type { PasswordHasher } from '../crypto/passwords';
import type { SessionRepository } from '../store/sessions';
import type { LoginThrottleRepository } from '../store/throttle';
import type { UserRepository } from '../store/users';
import { checkPasswordPolicy, normaliseNewUsername, normaliseUsername } from './accounts';
import {
  ConflictError,
  ForbiddenError,
  TooManyRequestsError,
  UnauthorizedError,
  ValidationError,
  VaultError,
} from './errors';

export interface AuthDependencies {
  readonly kms: KMSClient;
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly throttle: LoginThrottleRepository;
  readonly keyring: UserKeyring;
  readonly hasher: PasswordHasher;
  readonly signer: KmsJwsSigner;
  readonly config: VaultConfig;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** What login and refresh failures look like: one status and body for every cause. */
export class InvalidCredentialsError extends VaultError {
  public constructor() {
    super('invalid_credentials', 401, 'Unauthorized', 'The username or password is wrong.');
    this.name = 'InvalidCredentialsError';
  }
}

export class InvalidRefreshTokenError extends VaultError {
  public constructor() {
    super('invalid_refresh_token', 401, 'Unauthorized', 'The refresh token is not valid; log in again.');
    this.name = 'InvalidRefreshTokenError';
  }
}

/**
 * Accounts and sessions: signup, login with per-client backoff, refresh
 * token rotation with reuse detection, logout, password change, JWKS.
 */
export class AuthService {
  private readonly now: () => number;
  private jwks: Promise<{ keys: PublicJwk[] }> | undefined;

  public constructor(private readonly deps: AuthDependencies) {
    this.now = deps.now ?? Date.now;
  }

  public async signup(rawUsername: string, password: string): Promise<{ userId: string }> {
    const username = normaliseNewUsername(rawUsername);
    checkPasswordPolicy(password);
    if ((await this.deps.users.userIdFor(username.key)) !== undefined) {
      throw new ConflictError('username_taken', 'This username is taken.');
    }
    const userId = randomUUID();
    const [wrapped, record] = await Promise.all([
      this.deps.keyring.generate(userId),
      this.deps.hasher.create(password, userId),
    ]);
    const at = new Date(this.now()).toISOString();
    await this.deps.users.create(
      {
        userId,
        username: username.display,
        password: record,
        userKeys: [wrapped],
        createdAt: at,
        passwordChangedAt: at,
      },
      username.key,
    );
    return { userId };
  }

  public async login(rawUsername: string, password: string, client: string): Promise<TokenPair> {
    let key: string;
    try {
      key = normaliseUsername(rawUsername).key;
    } catch {
      // A username that cannot exist fails like a wrong password, after the same work.
      await this.deps.hasher.verify(password, undefined, '');
      throw new InvalidCredentialsError();
    }
    await this.checkThrottle(key, client);
    const userId = await this.deps.users.userIdFor(key);
    // The profile read happens for unknown users too, so both paths do the same work.
    const profile = await this.deps.users.get(userId ?? NO_USER);
    const verdict = await this.deps.hasher.verify(password, profile?.password, userId ?? '');
    if (!verdict.ok || profile === undefined) {
      await this.recordFailure(key, client);
      throw new InvalidCredentialsError();
    }
    await this.deps.throttle.clear(key, client);
    if (verdict.needsRewrite) {
      const next = await this.deps.hasher.create(password, profile.userId);
      await this.deps.users.replacePassword(
        profile.userId,
        profile.password,
        next,
        new Date(this.now()).toISOString(),
      );
    }
    return this.issue(profile.userId, randomUUID());
  }

  public async refresh(refreshToken: string): Promise<TokenPair> {
    const parsed = parseRefreshToken(refreshToken);
    if (parsed === undefined) throw new InvalidRefreshTokenError();
    const record = await this.deps.sessions.get(parsed.userId, hashToken(refreshToken));
    if (record === undefined) throw new InvalidRefreshTokenError();
    if (record.status === 'rotated') {
      // A rotated token presented again: stolen or replayed. End the whole session.
      await this.deps.sessions.revoke(record.userId, (family) => family === record.familyId);
      throw new InvalidRefreshTokenError();
    }
    if (record.status !== 'active' || record.expiresAt * 1000 <= this.now())
      throw new InvalidRefreshTokenError();
    const { pair, next } = await this.mint(record.userId, record.familyId);
    if (!(await this.deps.sessions.rotate(record, next))) {
      await this.deps.sessions.revoke(record.userId, (family) => family === record.familyId);
      throw new InvalidRefreshTokenError();
    }
    return pair;
  }

  /** Ends the session the refresh token belongs to; unknown or foreign tokens change nothing. */
  public async logout(userId: string, refreshToken: string): Promise<void> {
    const parsed = parseRefreshToken(refreshToken);
    if (parsed === undefined)
      throw new ValidationError('The refresh token is malformed.', [
        { path: 'refreshToken', message: 'is malformed' },
      ]);
    if (parsed.userId !== userId) return;
    const record = await this.deps.sessions.get(userId, hashToken(refreshToken));
    if (record === undefined) return;
    await this.deps.sessions.revoke(userId, (family) => family === record.familyId);
  }

  /** Checks the current password, stores the new one, and ends every other session. */
  public async changePassword(
    userId: string,
    sessionId: string | undefined,
    current: string,
    next: string,
    client: string,
  ): Promise<void> {
    const profile = await this.deps.users.get(userId);
    if (profile === undefined) throw new UnauthorizedError();
    const key = normaliseUsername(profile.username).key;
    await this.checkThrottle(key, client);
    const verdict = await this.deps.hasher.verify(current, profile.password, userId);
    if (!verdict.ok) {
      await this.recordFailure(key, client);
      throw new ForbiddenError('The current password is wrong.');
    }
    checkPasswordPolicy(next, 'newPassword');
    const record = await this.deps.hasher.create(next, userId);
    const replaced = await this.deps.users.replacePassword(
      userId,
      profile.password,
      record,
      new Date(this.now()).toISOString(),
    );
    if (!replaced) throw new ConflictError('password_changed', 'The password changed meanwhile; try again.');
    await this.deps.sessions.revoke(userId, (family) => family !== sessionId);
  }

  /** The current and previous signing keys, fetched once per container. */
  public jwksDocument(): Promise<{ keys: PublicJwk[] }> {
    const { signing, previousSigning } = this.deps.config.keys;
    this.jwks ??= buildJwks(this.deps.kms, [signing, ...previousSigning]).catch((err: unknown) => {
      this.jwks = undefined;
      throw err;
    });
    return this.jwks;
  }

  private async checkThrottle(key: string, client: string): Promise<void> {
    const state = await this.deps.throttle.get(key, client);
    const wait = state.lockedUntil - this.now();
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new TooManyRequestsError(`Too many failed attempts; try again in ${seconds} s.`, seconds);
    }
  }

  private async recordFailure(key: string, client: string): Promise<void> {
    const { freeAttempts, baseSeconds, maxSeconds } = this.deps.config.loginBackoff;
    const state = await this.deps.throttle.get(key, client);
    const failures = state.failures + 1;
    const over = failures - freeAttempts;
    const delaySeconds = over < 0 ? 0 : Math.min(maxSeconds, baseSeconds * 2 ** over);
    const lockedUntil = this.now() + delaySeconds * 1000;
    const expiresAt = Math.ceil((this.now() + (maxSeconds + 24 * 3600) * 1000) / 1000);
    await this.deps.throttle.put(key, client, { failures, lockedUntil }, expiresAt);
  }

  private async issue(userId: string, familyId: string): Promise<TokenPair> {
    const { pair, next } = await this.mint(userId, familyId);
    await this.deps.sessions.put(next);
    return pair;
  }

  private async mint(userId: string, familyId: string) {
    const { tokens } = this.deps.config;
    const now = Math.floor(this.now() / 1000);
    const accessToken = await this.deps.signer.sign({
      iss: tokens.issuer,
      aud: tokens.audience,
      sub: userId,
      sid: familyId,
      iat: now,
      nbf: now,
      exp: now + tokens.accessTtlSeconds,
    });
    const refreshToken = `${userId}.${randomBytes(32).toString('base64url')}`;
    const next = {
      userId,
      tokenHash: hashToken(refreshToken),
      familyId,
      status: 'active' as const,
      createdAt: new Date(this.now()).toISOString(),
      expiresAt: now + tokens.refreshTtlSeconds,
    };
    return {
      pair: { accessToken, refreshToken, tokenType: 'Bearer' as const, expiresIn: tokens.accessTtlSeconds },
      next,
    };
  }
}

const NO_USER = '00000000-0000-0000-0000-000000000000';

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function parseRefreshToken(token: string): { userId: string } | undefined {
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { userId: match[1] as string } : undefined;
}
