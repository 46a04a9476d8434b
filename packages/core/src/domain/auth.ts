import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { VaultConfig } from '../config';
import { buildJwks, type KmsJwsSigner, type PublicJwk } from '../crypto/jws';
import type { UserKeyring, WrappedUserKey } from '../crypto/keyring';
import type { PasswordHasher, RecordKeyLender } from '../crypto/passwords';
import type { DeviceRepository } from '../store/devices';
import type { ServiceKeys } from '../store/service-keys';
import type { RefreshRecord, SessionRepository } from '../store/sessions';
import type { LoginThrottleRepository } from '../store/throttle';
import type { UserProfile, UserRepository } from '../store/users';
import type { AccountDeletion, DeletedAccount } from './account-deletion';
import { checkPasswordPolicy, normaliseNewUsername, normaliseUsername } from './accounts';
import { ConflictError, ForbiddenError, UnauthorizedError, ValidationError, VaultError } from './errors';
import { LoginLimiter } from './login-limits';

export interface AuthDependencies {
  readonly kms: KMSClient;
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly throttle: LoginThrottleRepository;
  readonly devices: DeviceRepository;
  readonly serviceKeys: ServiceKeys;
  readonly keyring: UserKeyring;
  readonly hasher: PasswordHasher;
  readonly signer: KmsJwsSigner;
  readonly accountDeletion: AccountDeletion;
  readonly config: VaultConfig;
  /** Security events (a forged password record, refresh-token reuse): ids only, never values. */
  readonly securityEvent?: (event: string, fields: Record<string, string>) => void;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface LoginResult extends TokenPair {
  /** A known-device token: present it at the next login to be exempt from per-address limits. */
  deviceToken: string;
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

const NO_USER = '00000000-0000-0000-0000-000000000000';
const DEVICE_TOKEN_TTL_SECONDS = 180 * 86_400;

/**
 * Accounts and sessions: signup, login with rate limits, refresh token
 * rotation with reuse detection and a short grace, logout, password change,
 * JWKS. A session (refresh-token family) has a record the authorizer checks.
 */
export class AuthService {
  private readonly now: () => number;
  private readonly limiter: LoginLimiter;
  private jwks: Promise<{ keys: PublicJwk[] }> | undefined;
  private decoyKeys: Promise<WrappedUserKey> | undefined;

  public constructor(private readonly deps: AuthDependencies) {
    this.now = deps.now ?? Date.now;
    this.limiter = new LoginLimiter({
      throttle: deps.throttle,
      serviceKeys: deps.serviceKeys,
      config: deps.config,
      now: this.now,
    });
  }

  public async signup(rawUsername: string, password: string): Promise<{ userId: string }> {
    const username = normaliseNewUsername(rawUsername);
    checkPasswordPolicy(password);
    if ((await this.deps.users.userIdFor(username.key)) !== undefined) {
      throw new ConflictError('username_taken', 'This username is taken.');
    }
    const userId = randomUUID();
    const wrapped = this.deps.keyring.generate(userId);
    // scrypt runs while KMS makes the user key; the record's MAC then needs the key. A KMS
    // failure meanwhile is awaited below, so it is marked handled here (no unhandled rejection).
    wrapped.catch(() => undefined);
    const userKeys = wrapped.then((k) => [k]);
    userKeys.catch(() => undefined);
    const record = await this.deps.hasher.create(password, userId, this.lender(userId, userKeys));
    const at = new Date(this.now()).toISOString();
    await this.deps.users.create(
      {
        userId,
        username: username.display,
        password: record,
        userKeys: [await wrapped],
        createdAt: at,
        passwordChangedAt: at,
      },
      username.key,
    );
    return { userId };
  }

  public async login(
    rawUsername: string,
    password: string,
    client: string,
    deviceToken?: string,
  ): Promise<LoginResult> {
    let key: string;
    try {
      key = normaliseUsername(rawUsername).key;
    } catch {
      // A username that cannot exist fails like a wrong password, after the same work.
      await this.deps.hasher.verify(password, undefined, '', this.decoyLender());
      throw new InvalidCredentialsError();
    }
    const userId = await this.deps.users.userIdFor(key);
    const device = userId !== undefined ? await this.knownDevice(userId, deviceToken) : undefined;
    const attempt = await this.limiter.begin(key, client, device);
    // The profile read happens for unknown users too, so both paths do the same work.
    const profile = await this.deps.users.get(userId ?? NO_USER);
    const verdict = await this.deps.hasher.verify(
      password,
      profile?.password,
      userId ?? '',
      profile !== undefined
        ? this.lender(profile.userId, Promise.resolve(profile.userKeys))
        : this.decoyLender(),
    );
    if (verdict.forged === true) {
      this.deps.securityEvent?.('password_record_forged', { userId: userId ?? '' });
    }
    // An account being deleted answers as an unknown user, whatever the password.
    if (!verdict.ok || profile === undefined || profile.deletedAt !== undefined) {
      await this.limiter.failed(attempt);
      throw new InvalidCredentialsError();
    }
    await this.limiter.succeeded(attempt);
    if (verdict.needsRewrite) {
      const next = await this.deps.hasher.create(
        password,
        profile.userId,
        this.lender(profile.userId, Promise.resolve(profile.userKeys)),
      );
      await this.deps.users.replacePassword(
        profile.userId,
        profile.password,
        next,
        new Date(this.now()).toISOString(),
      );
    }
    const pair = await this.startSession(profile.userId);
    return { ...pair, deviceToken: await this.rememberDevice(profile.userId, device, deviceToken) };
  }

  public async refresh(refreshToken: string): Promise<TokenPair> {
    const parsed = parseRefreshToken(refreshToken);
    if (parsed === undefined) throw new InvalidRefreshTokenError();
    const record = await this.deps.sessions.get(parsed.userId, hashToken(refreshToken));
    if (record === undefined) throw new InvalidRefreshTokenError();
    const session = await this.deps.sessions.session(record.userId, record.familyId);
    const now = this.now();
    if (session === undefined || session.status !== 'active' || session.expiresAt * 1000 <= now) {
      throw new InvalidRefreshTokenError();
    }
    if (record.status === 'rotated') {
      // A client's parallel refresh presents the token just rotated: one sibling, within the grace.
      const graceMs = this.deps.config.tokens.refreshGraceSeconds * 1000;
      if ((record.rotatedAt ?? 0) > now - graceMs && record.graceUsed !== true) {
        const { pair, next } = await this.mint(
          record.userId,
          record.familyId,
          session.expiresAt,
          record.authTime,
        );
        if (await this.deps.sessions.regrace(record, next, now, graceMs)) return pair;
      }
      // A rotated token presented again: stolen or replayed. End the whole session.
      await this.endSessions(record.userId, (family) => family === record.familyId, 'refresh_reuse');
      throw new InvalidRefreshTokenError();
    }
    if (record.status !== 'active' || record.expiresAt * 1000 <= now) throw new InvalidRefreshTokenError();
    const { pair, next } = await this.mint(
      record.userId,
      record.familyId,
      session.expiresAt,
      record.authTime,
    );
    if (!(await this.deps.sessions.rotate(record, next, now))) {
      // Lost a race with another refresh of this token: the grace path above serves the next try.
      const again = await this.deps.sessions.get(record.userId, record.tokenHash);
      if (again?.status === 'rotated') return this.refresh(refreshToken);
      throw new InvalidRefreshTokenError();
    }
    return pair;
  }

  /**
   * Ends the session the refresh token belongs to. The refresh token is the
   * credential: no access token is needed (it may have expired). Unknown,
   * malformed-but-plausible or already ended tokens change nothing.
   */
  public async logout(refreshToken: string): Promise<void> {
    const parsed = parseRefreshToken(refreshToken);
    if (parsed === undefined)
      throw new ValidationError('The refresh token is malformed.', [
        { path: 'refreshToken', message: 'is malformed' },
      ]);
    const record = await this.deps.sessions.get(parsed.userId, hashToken(refreshToken));
    if (record === undefined) return;
    await this.endSessions(parsed.userId, (family) => family === record.familyId, 'logout');
  }

  /** Checks the current password, stores the new one, and ends every other session. */
  public async changePassword(
    userId: string,
    sessionId: string | undefined,
    current: string,
    next: string,
    client: string,
  ): Promise<void> {
    const profile = await this.liveProfile(userId);
    await this.checkPassword(profile, current, client, 'The current password is wrong.');
    checkPasswordPolicy(next, 'newPassword');
    const lend = this.lender(userId, Promise.resolve(profile.userKeys));
    const record = await this.deps.hasher.create(next, userId, lend);
    const replaced = await this.deps.users.replacePassword(
      userId,
      profile.password,
      record,
      new Date(this.now()).toISOString(),
    );
    if (!replaced) throw new ConflictError('password_changed', 'The password changed meanwhile; try again.');
    await this.endSessions(userId, (family) => family !== sessionId, 'password_changed');
  }

  /**
   * Checks the password (a wrong one counts toward the account's login
   * backoff, as in changePassword), then deletes the account (see
   * AccountDeletion). `stop` is the time budget: past it, the deletion
   * stops between batches and answers 503, to be called again. An account
   * whose deletion began and stopped can be finished, with the password,
   * by the session that began it.
   */
  public async deleteAccount(
    userId: string,
    sessionId: string | undefined,
    password: string,
    client: string,
    stop: () => boolean,
  ): Promise<DeletedAccount> {
    const profile = await this.deps.users.get(userId);
    if (profile === undefined) throw new UnauthorizedError('The account does not exist.');
    await this.checkPassword(profile, password, client, 'The password is wrong.');
    return this.deps.accountDeletion.delete(profile, sessionId, stop);
  }

  /**
   * Checks the password (counted toward the login backoff like any other
   * check) and answers an access token of the caller's session whose
   * `auth_time` is now, for operations that need a recent password (an
   * export). The session must be active; its refresh token is unchanged.
   */
  public async reauthenticate(
    userId: string,
    sessionId: string | undefined,
    password: string,
    client: string,
  ): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number }> {
    const profile = await this.liveProfile(userId);
    const session = sessionId === undefined ? undefined : await this.deps.sessions.session(userId, sessionId);
    if (session === undefined || session.status !== 'active' || session.expiresAt * 1000 <= this.now())
      throw new UnauthorizedError('The session is over; log in again.');
    await this.checkPassword(profile, password, client, 'The password is wrong.');
    const now = Math.floor(this.now() / 1000);
    const token = await this.accessToken(userId, session.familyId, session.expiresAt, now);
    return { ...token, tokenType: 'Bearer' };
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

  /** The caller's profile; 401 when the account is gone or being deleted. */
  private async liveProfile(userId: string): Promise<UserProfile> {
    const profile = await this.deps.users.get(userId);
    if (profile === undefined || profile.deletedAt !== undefined) throw new UnauthorizedError();
    return profile;
  }

  /**
   * The password check of account operations: reserved against the
   * account's login limits, 429 when backed off, 403 with `wrong` when it
   * is wrong (counted as a failed login).
   */
  private async checkPassword(
    profile: UserProfile,
    password: string,
    client: string,
    wrong: string,
  ): Promise<void> {
    const { userId } = profile;
    const key = normaliseUsername(profile.username).key;
    const attempt = await this.limiter.begin(key, client, undefined);
    const lend = this.lender(userId, Promise.resolve(profile.userKeys));
    const verdict = await this.deps.hasher.verify(password, profile.password, userId, lend);
    if (verdict.forged === true) this.deps.securityEvent?.('password_record_forged', { userId });
    if (!verdict.ok) {
      await this.limiter.failed(attempt);
      throw new ForbiddenError(wrong);
    }
    await this.limiter.succeeded(attempt);
  }

  private async endSessions(userId: string, which: (family: string) => boolean, why: string): Promise<void> {
    const ended = await this.deps.sessions.revoke(userId, which, why);
    if (why === 'refresh_reuse')
      this.deps.securityEvent?.('refresh_token_reuse', { userId, sessions: String(ended) });
  }

  /** Lends the user's key of a version (the newest when none is named) through the keyring's cache. */
  private lender(userId: string, userKeys: Promise<readonly WrappedUserKey[]>): RecordKeyLender {
    return async (version, use) => {
      const keys = await userKeys;
      const v = version ?? keys.reduce((max, k) => Math.max(max, k.version), 0);
      return this.deps.keyring.withUserKey(userId, keys, v, use);
    };
  }

  /** For unknown users: a decoy's key, unwrapped the same way, so both paths do the same work. */
  private decoyLender(): RecordKeyLender {
    // Lazy: the decoy key is made on first use, so a lender never called leaves no promise behind.
    return async (version, use) => {
      this.decoyKeys ??= this.deps.keyring.generate(NO_USER).catch((err: unknown) => {
        this.decoyKeys = undefined;
        throw err;
      });
      return this.lender(
        NO_USER,
        this.decoyKeys.then((k) => [k]),
      )(version, use);
    };
  }

  /** The SHA-256 of a device token the user's client presented, if it is one of the user's. */
  private async knownDevice(userId: string, token: string | undefined): Promise<string | undefined> {
    if (token === undefined || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const hash = hashToken(token);
    const record = await this.deps.devices.get(userId, hash);
    return record !== undefined && record.expiresAt * 1000 > this.now() ? hash : undefined;
  }

  /** Keeps the known device for another period, or makes a new one; returns its token. */
  private async rememberDevice(userId: string, known: string | undefined, presented: string | undefined) {
    const token =
      known !== undefined && presented !== undefined ? presented : randomBytes(32).toString('base64url');
    await this.deps.devices.put({
      userId,
      tokenHash: hashToken(token),
      createdAt: new Date(this.now()).toISOString(),
      expiresAt: Math.floor(this.now() / 1000) + DEVICE_TOKEN_TTL_SECONDS,
    });
    return token;
  }

  private async startSession(userId: string): Promise<TokenPair> {
    const familyId = randomUUID();
    const now = this.now();
    const sessionEnd = Math.floor(now / 1000) + this.deps.config.tokens.sessionMaxAgeSeconds;
    const { pair, next } = await this.mint(userId, familyId, sessionEnd, Math.floor(now / 1000));
    await this.deps.sessions.start(
      { userId, familyId, status: 'active', createdAt: new Date(now).toISOString(), expiresAt: sessionEnd },
      next,
    );
    return pair;
  }

  /**
   * An access token of the session, `auth_time` the last time the user gave
   * the password in it (OpenID Connect's claim; absent for sessions begun
   * before it was kept).
   */
  private async accessToken(
    userId: string,
    familyId: string,
    sessionEnd: number,
    authTime: number | undefined,
  ) {
    const { tokens } = this.deps.config;
    const now = Math.floor(this.now() / 1000);
    const exp = Math.min(now + tokens.accessTtlSeconds, sessionEnd);
    const accessToken = await this.deps.signer.sign({
      iss: tokens.issuer,
      aud: tokens.audience,
      sub: userId,
      sid: familyId,
      iat: now,
      nbf: now,
      exp,
      ...(authTime === undefined ? {} : { auth_time: authTime }),
    });
    return { accessToken, expiresIn: exp - now };
  }

  /** A new access token and refresh token of the session; the refresh token never outlives it. */
  private async mint(userId: string, familyId: string, sessionEnd: number, authTime: number | undefined) {
    const { tokens } = this.deps.config;
    const now = Math.floor(this.now() / 1000);
    const { accessToken, expiresIn } = await this.accessToken(userId, familyId, sessionEnd, authTime);
    const refreshToken = `${userId}.${randomBytes(32).toString('base64url')}`;
    const next: RefreshRecord = {
      userId,
      tokenHash: hashToken(refreshToken),
      familyId,
      status: 'active',
      createdAt: new Date(this.now()).toISOString(),
      expiresAt: Math.min(now + tokens.refreshTtlSeconds, sessionEnd),
      ...(authTime === undefined ? {} : { authTime }),
    };
    return {
      pair: { accessToken, refreshToken, tokenType: 'Bearer' as const, expiresIn },
      next,
    };
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function parseRefreshToken(token: string): { userId: string } | undefined {
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { userId: match[1] as string } : undefined;
}
