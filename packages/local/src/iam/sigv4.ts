import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { LocalIam, LocalPrincipal } from './types';

/**
 * Signature Version 4 verification: who signed a request, checked by
 * recomputing the signature with the principal's secret. Written by hand on
 * node:crypto after AWS's SigV4 specification ("Create a signed AWS API
 * request"), because the SDK's signer (@smithy/signature-v4) only signs, and
 * asynchronously; the tests check the two agree. Header authorization only
 * (no presigned URLs); the clock skew is not checked (a local tool).
 */

/** An HTTP request as received, for {@link authenticate}. */
export interface SignedRequest {
  readonly method: string;
  /** The path as sent on the wire (still percent-encoded), without the query. */
  readonly path: string;
  /** The query string as sent, without `?`. @default '' */
  readonly query?: string;
  /** Header names in lower case, as node:http gives them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
}

/** The parts of an `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header. */
export interface SigV4Authorization {
  readonly accessKeyId: string;
  /** `YYYYMMDD` */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256\s+Credential=([A-Za-z0-9]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;._-]+),\s*Signature=([0-9a-f]{64})$/;

/** Parses a SigV4 Authorization header, or returns undefined when it is not one. */
export function parseAuthorization(header: string | undefined): SigV4Authorization | undefined {
  const match = AUTHORIZATION.exec(header?.trim() ?? '');
  if (match === null) return undefined;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match as unknown as string[];
  return {
    accessKeyId: accessKeyId as string,
    date: date as string,
    region: region as string,
    service: service as string,
    signedHeaders: (signedHeaders as string).split(';'),
    signature: signature as string,
  };
}

/** Who signed a request, or why nobody did, for services that answer each case differently. */
export type Verification =
  | { readonly principal: LocalPrincipal }
  | { readonly failure: 'missing' | 'unknown-key' | 'bad-signature' };

/**
 * The principal that signed the request, or undefined when the request is
 * unsigned, signed with an unknown access key, or its signature does not
 * verify with that principal's secret.
 */
export function authenticate(req: SignedRequest, iam: LocalIam): LocalPrincipal | undefined {
  const verification = verifySignature(req, iam);
  return 'principal' in verification ? verification.principal : undefined;
}

/** {@link authenticate}, saying why a request is not authenticated. */
export function verifySignature(req: SignedRequest, iam: LocalIam): Verification {
  const auth = parseAuthorization(single(req.headers.authorization));
  if (auth === undefined) return { failure: 'missing' };
  const principal = iam.principalFor(auth.accessKeyId);
  if (principal === undefined) return { failure: 'unknown-key' };
  const amzDate = single(req.headers['x-amz-date']);
  if (
    !auth.signedHeaders.includes('host') ||
    amzDate === undefined ||
    !/^\d{8}T\d{6}Z$/.test(amzDate) ||
    !amzDate.startsWith(auth.date)
  ) {
    return { failure: 'bad-signature' };
  }
  // A signed payload hash must be the body's (S3 answers XAmzContentSHA256Mismatch); UNSIGNED-PAYLOAD is taken as is.
  const declaredHash = single(req.headers['x-amz-content-sha256']);
  if (
    declaredHash !== undefined &&
    /^[0-9a-f]{64}$/.test(declaredHash) &&
    declaredHash !== sha256Hex(req.body)
  ) {
    return { failure: 'bad-signature' };
  }
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest(req, auth))].join('\n');
  let key: Buffer = hmac(`AWS4${principal.credentials.secretAccessKey}`, auth.date);
  for (const part of [auth.region, auth.service, 'aws4_request']) key = hmac(key, part);
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(auth.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { principal }
    : { failure: 'bad-signature' };
}

function canonicalRequest(req: SignedRequest, auth: SigV4Authorization): string {
  const headers = auth.signedHeaders.map((name) => {
    const value = req.headers[name];
    const joined = typeof value === 'string' ? value : (value ?? []).join(',');
    return `${name}:${joined.trim().replace(/\s+/g, ' ')}\n`;
  });
  const payloadHash = single(req.headers['x-amz-content-sha256']) ?? sha256Hex(req.body);
  return [
    req.method.toUpperCase(),
    canonicalPath(req.path, auth.service),
    canonicalQuery(req.query ?? ''),
    headers.join(''),
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

/** S3 signs the path as sent; every other service normalizes it and encodes each segment again. */
function canonicalPath(path: string, service: string): string {
  if (service === 's3') return path === '' ? '/' : path;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${segments.map(rfc3986).join('/')}${trailing}`;
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      const value = eq === -1 ? '' : pair.slice(eq + 1);
      return [rfc3986(decode(name)), rfc3986(decode(value))] as const;
    })
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** RFC 3986 encoding: everything but `A-Za-z0-9-_.~`. */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function single(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
