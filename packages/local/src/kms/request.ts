import { KmsError } from './errors';

/**
 * Request validation for the emulator's operations: the JSON input's fields,
 * list pagination, and KMS's seconds-since-epoch timestamps.
 */
export type Input = Record<string, unknown>;
export type Output = Record<string, unknown>;

export const DAY_MS = 86_400_000;

export function seconds(ms: number): number {
  return ms / 1000;
}

export function requiredString(input: Input, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new KmsError('ValidationException', `${field} is required and must be a non-empty string`);
  }
  return value;
}

export function optionalString(input: Input, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new KmsError('ValidationException', `${field} must be a string`);
  return value;
}

export function optionalInteger(input: Input, field: string): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new KmsError('ValidationException', `${field} must be an integer`);
  }
  return value;
}

export function requiredBlob(input: Input, field: string): Buffer {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new KmsError('ValidationException', `${field} is required`);
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value))
    throw new KmsError('SerializationException', `${field} is not base64`);
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length === 0) throw new KmsError('ValidationException', `${field} must not be empty`);
  return bytes;
}

export function optionalContext(input: Input, field: string): Record<string, string> | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new KmsError('ValidationException', `${field} must be a map of strings`);
  }
  for (const v of Object.values(value)) {
    if (typeof v !== 'string') throw new KmsError('ValidationException', `${field} values must be strings`);
  }
  return value as Record<string, string>;
}

/** A list operation's Limit: its default and its maximum (KMS's are 100 and 1000 for most lists). */
export interface PageLimits {
  readonly defaultLimit: number;
  readonly maxLimit: number;
}

export function paginate<T>(
  all: readonly T[],
  input: Input,
  limits: PageLimits = { defaultLimit: 100, maxLimit: 1000 },
): { page: T[]; next?: string } {
  const limit = optionalInteger(input, 'Limit') ?? limits.defaultLimit;
  if (limit < 1 || limit > limits.maxLimit)
    throw new KmsError('ValidationException', `Limit ${limit} is not between 1 and ${limits.maxLimit}`);
  const marker = optionalString(input, 'Marker');
  let start = 0;
  if (marker !== undefined) {
    start = Number.parseInt(Buffer.from(marker, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(start) || start < 0 || start > all.length) {
      throw new KmsError('InvalidMarkerException', 'Marker is not one this service returned');
    }
  }
  const page = all.slice(start, start + limit);
  const end = start + page.length;
  return end < all.length ? { page, next: Buffer.from(String(end)).toString('base64url') } : { page };
}

/** The `Truncated` and `NextMarker` fields of a list answer. */
export function truncation(next: string | undefined): Output {
  return next === undefined ? { Truncated: false } : { Truncated: true, NextMarker: next };
}
