import { z } from 'zod';
import { ValidationError } from './domain/errors';

/** Which KMS key protects what (DESIGN.md, "Keys"). */
export type KeyRole = 'vault' | 'password' | 'signing';

const configSchema = z.object({
  TABLE_NAME: z.string().min(3),
  IDEMPOTENCY_TABLE_NAME: z.string().min(3),
  VAULT_KEY_ID: z.string().min(1),
  PASSWORD_KEY_ID: z.string().min(1),
  SIGNING_KEY_ID: z.string().min(1),
});

export interface VaultConfig {
  readonly tables: { readonly vault: string; readonly idempotency: string };
  readonly keys: Readonly<Record<KeyRole, string>>;
}

/** The configuration the construct sets as Lambda environment variables. */
export function configFromEnv(env: NodeJS.ProcessEnv): VaultConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new ValidationError(`the function's environment is incomplete: ${missing}`);
  }
  const e = parsed.data;
  return {
    tables: { vault: e.TABLE_NAME, idempotency: e.IDEMPOTENCY_TABLE_NAME },
    keys: { vault: e.VAULT_KEY_ID, password: e.PASSWORD_KEY_ID, signing: e.SIGNING_KEY_ID },
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
  };
}
