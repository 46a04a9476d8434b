import type { z } from 'zod';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../domain/errors';
import type { ApiEvent } from './router';

export const MAX_BODY_BYTES = 256 * 1024;

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

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
  let text: string;
  try {
    text = UTF8.decode(raw);
  } catch {
    throw new ValidationError('The request body is not valid UTF-8.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError('The request body is not valid JSON.');
  }
  const duplicate = duplicateKey(text);
  if (duplicate !== undefined) {
    throw new ValidationError(`The request body names "${duplicate}" twice in one object.`, [
      { path: duplicate, message: 'is given twice' },
    ]);
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

/**
 * The first key that appears twice in one object of a JSON text (already
 * known to be valid JSON), or undefined. JSON.parse keeps the last value
 * silently; a validator in front might have checked the first, so two
 * readings of one body are refused. Hand-written: a single scan that tracks
 * the keys of each open object; no maintained JSON parser reports this.
 */
export function duplicateKey(text: string): string | undefined {
  const stack: (Set<string> | null)[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) return undefined;
      const top = stack[stack.length - 1];
      let next = end + 1;
      while (next < text.length && /\s/.test(text[next] as string)) next++;
      if (top && text[next] === ':') {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.has(key)) return key;
        top.add(key);
      }
      i = end + 1;
      continue;
    }
    if (ch === '{') stack.push(new Set());
    else if (ch === '[') stack.push(null);
    else if (ch === '}' || ch === ']') stack.pop();
    i++;
  }
  return undefined;
}
