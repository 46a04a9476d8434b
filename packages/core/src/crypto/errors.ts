import { VaultError } from '../domain/errors';

/**
 * A stored item failed verification: its signature, material description or
 * any encrypted attribute does not check out. Never carries data.
 */
export class IntegrityError extends VaultError {
  public constructor(detail = 'A stored item failed its integrity check.') {
    super('integrity_error', 500, 'Integrity check failed', detail);
    this.name = 'IntegrityError';
  }
}

/** An item does not fit its entity schema (unknown attribute, wrong type). */
export class SchemaError extends VaultError {
  public constructor(detail: string) {
    super('schema_error', 400, 'The item does not fit its schema', detail);
    this.name = 'SchemaError';
  }
}
