import type { z } from 'zod';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../domain/errors';
import type { ApiEvent } from './router';

export const MAX_BODY_BYTES = 256 * 1024;

/** A request header, whatever its case. */
export function header(event: ApiEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) {
    if (k.toLowerCase() === wanted && v !== undefined) return v;
  }
  return undefined;
}

/**
 * Parses a JSON request body against a zod schema: 415 for another content
 * type, 413 over the limit, 400 for malformed JSON or fields that do not fit
 * (each named).
 */
export function parseJsonBody<T>(event: ApiEvent, schema: z.ZodType<T>, maxBytes = MAX_BODY_BYTES): T {
  const contentType = header(event, 'content-type');
  if (contentType === undefined || !/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new UnsupportedMediaTypeError('The request body must be application/json.');
  }
  if (event.body === null || event.body.length === 0) throw new ValidationError('A JSON body is required.');
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.length > maxBytes) throw new PayloadTooLargeError(`The request body is over ${maxBytes} bytes.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ValidationError('The request body is not valid JSON.');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const errors = result.error.issues.map((issue) => ({
      path: issue.path.length > 0 ? issue.path.join('.') : '(body)',
      message: issue.message,
    }));
    throw new ValidationError(
      `The request is not valid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}.`,
      errors,
    );
  }
  return result.data;
}
