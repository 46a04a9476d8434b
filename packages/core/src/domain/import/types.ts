import type { SecretInput } from '../secret-schema';

/**
 * Values a row held that the vault has no place for yet, named by field path
 * or column (`login.totp`, `fields[2]`, `login_totp`), never by value.
 */
export interface ImportWarning {
  readonly row: number;
  readonly fields: readonly string[];
  readonly message: string;
}

/**
 * One row of an import: a secret to create (with what it could not keep), or
 * why the row cannot be one. Neither ever carries a value of the row.
 */
export type ImportRow =
  | {
      readonly row: number;
      readonly secret: SecretInput;
      readonly warning?: ImportWarning;
      /** Where values went that had no field of the same name: kept as custom fields. */
      readonly mapped?: ImportWarning;
    }
  | { readonly row: number; readonly error: string };

/** What an importer makes of one row before the vault's own schema checks it. */
export type RowCandidate =
  | {
      readonly row: number;
      readonly candidate: Readonly<Record<string, unknown>>;
      /** Paths or columns that held data the candidate has no place for. */
      readonly dropped: readonly string[];
      /** Columns or members with no field of ours, kept as custom fields named after them. */
      readonly kept?: readonly string[];
    }
  | { readonly row: number; readonly error: string };
