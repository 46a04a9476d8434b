import * as z from 'zod';
import type { PasswordStrategyName, ScryptParams } from './crypto/passwords';
import { ValidationError } from './domain/errors';

/** Which KMS key protects what (DESIGN.md, "Keys"). */
export type KeyRole = 'vault' | 'password' | 'signing';

export interface VaultConfig {
  readonly tables: { readonly vault: string; readonly idempotency: string };
  readonly keys: Readonly<Record<KeyRole, string>> & {
    /** Earlier signing keys whose tokens still verify; the JWKS lists them after the current one. */
    readonly previousSigning: readonly string[];
  };
  readonly passwordStrategy: PasswordStrategyName;
  readonly scrypt: ScryptParams;
  readonly tokens: {
    readonly issuer: string;
    readonly audience: string;
    readonly accessTtlSeconds: number;
    readonly refreshTtlSeconds: number;
    /** A session's absolute lifetime from its login, whatever the refreshes. */
    readonly sessionMaxAgeSeconds: number;
    /** How long a just-rotated refresh token still gets one sibling (a client's parallel refresh). */
    readonly refreshGraceSeconds: number;
    /** How long the authorizer reuses a session's state: the longest revocation delay. */
    readonly sessionCheckCacheSeconds: number;
  };
  /** How long an unwrapped user key is reused; 0 means one KMS Decrypt per request. */
  readonly keyCacheMaxAgeMs: number;
  /** How many unwrapped user keys one process keeps (LRU). */
  readonly keyCacheMaxEntries: number;
  /** Previous versions kept per secret. */
  readonly historyDepth: number;
  /** Days a deleted secret stays in the trash. */
  readonly trashRetentionDays: number;
  readonly loginBackoff: {
    /** Failures per account and client address (or known device) before responses become 429. */
    readonly freeAttempts: number;
    /** Failures per account without a known-device token, from any address, before 429. */
    readonly accountFreeAttempts: number;
    readonly baseSeconds: number;
    readonly maxSeconds: number;
  };
}

export const DEFAULTS = {
  passwordStrategy: 'hmac',
  scryptLogN: 17,
  issuer: 'kmsvault',
  audience: 'kmsvault-api',
  accessTtlSeconds: 900,
  refreshTtlSeconds: 30 * 24 * 3600,
  sessionMaxAgeSeconds: 30 * 24 * 3600,
  refreshGraceSeconds: 10,
  sessionCheckCacheSeconds: 10,
  keyCacheMaxAgeSeconds: 300,
  keyCacheMaxEntries: 1000,
  historyDepth: 10,
  trashRetentionDays: 30,
  loginFreeAttempts: 5,
  loginAccountFreeAttempts: 20,
  loginBackoffBaseSeconds: 1,
  loginBackoffMaxSeconds: 900,
} as const;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const envSchema = z.object({
  TABLE_NAME: z.string().min(3),
  IDEMPOTENCY_TABLE_NAME: z.string().min(3),
  VAULT_KEY_ID: z.string().min(1),
  PASSWORD_KEY_ID: z.string().min(1),
  SIGNING_KEY_ID: z.string().min(1),
  PREVIOUS_SIGNING_KEY_IDS: z.string().default(''),
  PASSWORD_STRATEGY: z.enum(['rsa', 'hmac']).default(DEFAULTS.passwordStrategy),
  SCRYPT_LOG_N: int(10, 20).default(DEFAULTS.scryptLogN),
  TOKEN_ISSUER: z.string().min(1).default(DEFAULTS.issuer),
  TOKEN_AUDIENCE: z.string().min(1).default(DEFAULTS.audience),
  // Lower bounds of 1 s: the local stack's tests run sessions of seconds through the same bundles.
  ACCESS_TOKEN_TTL_SECONDS: int(1, 3600).default(DEFAULTS.accessTtlSeconds),
  REFRESH_TOKEN_TTL_SECONDS: int(1, 90 * 24 * 3600).default(DEFAULTS.refreshTtlSeconds),
  SESSION_MAX_AGE_SECONDS: int(1, 365 * 24 * 3600).default(DEFAULTS.sessionMaxAgeSeconds),
  REFRESH_GRACE_SECONDS: int(0, 300).default(DEFAULTS.refreshGraceSeconds),
  SESSION_CHECK_CACHE_SECONDS: int(0, 30).default(DEFAULTS.sessionCheckCacheSeconds),
  KEY_CACHE_MAX_AGE_SECONDS: int(0, 3600).default(DEFAULTS.keyCacheMaxAgeSeconds),
  KEY_CACHE_MAX_ENTRIES: int(1, 100_000).default(DEFAULTS.keyCacheMaxEntries),
  HISTORY_DEPTH: int(0, 100).default(DEFAULTS.historyDepth),
  TRASH_RETENTION_DAYS: int(1, 365).default(DEFAULTS.trashRetentionDays),
  LOGIN_FREE_ATTEMPTS: int(1, 100).default(DEFAULTS.loginFreeAttempts),
  LOGIN_ACCOUNT_FREE_ATTEMPTS: int(1, 1000).default(DEFAULTS.loginAccountFreeAttempts),
  LOGIN_BACKOFF_BASE_SECONDS: int(1, 3600).default(DEFAULTS.loginBackoffBaseSeconds),
  LOGIN_BACKOFF_MAX_SECONDS: int(1, 86_400).default(DEFAULTS.loginBackoffMaxSeconds),
});

/** The configuration the construct sets as Lambda environment variables. */
export function configFromEnv(env: NodeJS.ProcessEnv): VaultConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ValidationError(`the function's environment is not valid: ${problems}`);
  }
  const e = parsed.data;
  return {
    tables: { vault: e.TABLE_NAME, idempotency: e.IDEMPOTENCY_TABLE_NAME },
    keys: {
      vault: e.VAULT_KEY_ID,
      password: e.PASSWORD_KEY_ID,
      signing: e.SIGNING_KEY_ID,
      previousSigning: e.PREVIOUS_SIGNING_KEY_IDS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    },
    passwordStrategy: e.PASSWORD_STRATEGY,
    scrypt: { N: 2 ** e.SCRYPT_LOG_N, r: 8, p: 1, keyLength: 32 },
    tokens: {
      issuer: e.TOKEN_ISSUER,
      audience: e.TOKEN_AUDIENCE,
      accessTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
      sessionMaxAgeSeconds: e.SESSION_MAX_AGE_SECONDS,
      refreshGraceSeconds: e.REFRESH_GRACE_SECONDS,
      sessionCheckCacheSeconds: e.SESSION_CHECK_CACHE_SECONDS,
    },
    keyCacheMaxAgeMs: e.KEY_CACHE_MAX_AGE_SECONDS * 1000,
    keyCacheMaxEntries: e.KEY_CACHE_MAX_ENTRIES,
    historyDepth: e.HISTORY_DEPTH,
    trashRetentionDays: e.TRASH_RETENTION_DAYS,
    loginBackoff: {
      freeAttempts: e.LOGIN_FREE_ATTEMPTS,
      accountFreeAttempts: e.LOGIN_ACCOUNT_FREE_ATTEMPTS,
      baseSeconds: e.LOGIN_BACKOFF_BASE_SECONDS,
      maxSeconds: e.LOGIN_BACKOFF_MAX_SECONDS,
    },
  };
}

/** The inverse of configFromEnv, for whoever sets a function's environment. */
export function configToEnv(config: VaultConfig): Record<string, string> {
  return {
    TABLE_NAME: config.tables.vault,
    IDEMPOTENCY_TABLE_NAME: config.tables.idempotency,
    VAULT_KEY_ID: config.keys.vault,
    PASSWORD_KEY_ID: config.keys.password,
    SIGNING_KEY_ID: config.keys.signing,
    PREVIOUS_SIGNING_KEY_IDS: config.keys.previousSigning.join(','),
    PASSWORD_STRATEGY: config.passwordStrategy,
    SCRYPT_LOG_N: String(Math.log2(config.scrypt.N)),
    TOKEN_ISSUER: config.tokens.issuer,
    TOKEN_AUDIENCE: config.tokens.audience,
    ACCESS_TOKEN_TTL_SECONDS: String(config.tokens.accessTtlSeconds),
    REFRESH_TOKEN_TTL_SECONDS: String(config.tokens.refreshTtlSeconds),
    SESSION_MAX_AGE_SECONDS: String(config.tokens.sessionMaxAgeSeconds),
    REFRESH_GRACE_SECONDS: String(config.tokens.refreshGraceSeconds),
    SESSION_CHECK_CACHE_SECONDS: String(config.tokens.sessionCheckCacheSeconds),
    KEY_CACHE_MAX_AGE_SECONDS: String(Math.round(config.keyCacheMaxAgeMs / 1000)),
    KEY_CACHE_MAX_ENTRIES: String(config.keyCacheMaxEntries),
    HISTORY_DEPTH: String(config.historyDepth),
    TRASH_RETENTION_DAYS: String(config.trashRetentionDays),
    LOGIN_FREE_ATTEMPTS: String(config.loginBackoff.freeAttempts),
    LOGIN_ACCOUNT_FREE_ATTEMPTS: String(config.loginBackoff.accountFreeAttempts),
    LOGIN_BACKOFF_BASE_SECONDS: String(config.loginBackoff.baseSeconds),
    LOGIN_BACKOFF_MAX_SECONDS: String(config.loginBackoff.maxSeconds),
  };
}

/** A full config from the required parts and the defaults (the local stack, tests). */
export function defaultConfig(
  parts: Pick<VaultConfig, 'tables'> & {
    keys: Readonly<Record<KeyRole, string>> & { previousSigning?: readonly string[] };
  },
  overrides: Partial<Omit<VaultConfig, 'tables' | 'keys'>> = {},
): VaultConfig {
  return {
    ...configFromEnv(
      configToEnvParts(
        parts.tables.vault,
        parts.tables.idempotency,
        parts.keys.vault,
        parts.keys.password,
        parts.keys.signing,
      ),
    ),
    keys: { ...parts.keys, previousSigning: parts.keys.previousSigning ?? [] },
    ...overrides,
  };
}

function configToEnvParts(
  vault: string,
  idempotency: string,
  vaultKey: string,
  passwordKey: string,
  signingKey: string,
) {
  return {
    TABLE_NAME: vault,
    IDEMPOTENCY_TABLE_NAME: idempotency,
    VAULT_KEY_ID: vaultKey,
    PASSWORD_KEY_ID: passwordKey,
    SIGNING_KEY_ID: signingKey,
  };
}

/**
 * AWS SDK client settings for the functions: every call is bounded, so that a
 * dependency that stops answering becomes a 503 well inside the function
 * timeout (three attempts of at most 2 s each, plus back-off) instead of a hang.
 */
export const SDK_CLIENT_SETTINGS = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
} as const;
