import { randomUUID } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  importSPKI,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import { needs } from './needs';

const ES256_COORDINATE_BYTES = 32;

/**
 * Converts an ECDSA signature from DER (what KMS returns) to the fixed-width
 * r||s form JWS needs (RFC 7518 §3.4). Parsing is strict: one SEQUENCE of two
 * positive, minimally encoded INTEGERs that fit the curve, nothing after.
 *
 * Hand-written: jose signs with local keys only and has no DER converter in
 * its public API; this is 40 lines with a test per rule.
 */
export function derToJose(der: Uint8Array, coordinateBytes = ES256_COORDINATE_BYTES): Buffer {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  needs(buf.length >= 8 && buf[0] === 0x30, 'the DER signature must start with a SEQUENCE');
  needs(buf[1] !== undefined && buf[1] < 0x80, 'the DER SEQUENCE length must use the short form');
  needs(buf[1] === buf.length - 2, 'the DER SEQUENCE length must cover exactly the rest of the signature');
  let pos = 2;
  const integer = (): Buffer => {
    needs(buf[pos] === 0x02, 'each DER signature part must be an INTEGER');
    const len = buf[pos + 1] as number;
    needs(len >= 1 && len < 0x80 && pos + 2 + len <= buf.length, 'the DER INTEGER length is out of range');
    const bytes = buf.subarray(pos + 2, pos + 2 + len);
    needs((bytes[0] as number) < 0x80, 'the DER INTEGER must be positive');
    needs(
      !(len > 1 && bytes[0] === 0 && (bytes[1] as number) < 0x80),
      'the DER INTEGER must be minimally encoded',
    );
    pos += 2 + len;
    const value = bytes[0] === 0 ? bytes.subarray(1) : bytes;
    needs(value.length <= coordinateBytes, 'the DER INTEGER is larger than the curve');
    return value;
  };
  const r = integer();
  const s = integer();
  needs(pos === buf.length, 'the DER signature must have nothing after its two INTEGERs');
  const out = Buffer.alloc(coordinateBytes * 2);
  r.copy(out, coordinateBytes - r.length);
  s.copy(out, coordinateBytes * 2 - s.length);
  return out;
}

export interface PublicJwk extends JWK {
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

/** The public JWK of a KMS ECC_NIST_P256 key, with kid = its RFC 7638 thumbprint. */
export async function publicJwkOf(kms: KMSClient, keyId: string): Promise<PublicJwk> {
  const out = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  needs(
    out.KeySpec === 'ECC_NIST_P256' && out.KeyUsage === 'SIGN_VERIFY',
    'the signing key must be ECC_NIST_P256 SIGN_VERIFY',
  );
  const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(out.PublicKey as Uint8Array).toString('base64')}\n-----END PUBLIC KEY-----`;
  const jwk = await exportJWK(await importSPKI(pem, 'ES256', { extractable: true }));
  const kid = await calculateJwkThumbprint(
    { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as JWK,
    'sha256',
  );
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' } as PublicJwk;
}

/** A JWK set of one or more KMS signing keys: the current first, then previous ones. */
export async function buildJwks(kms: KMSClient, keyIds: readonly string[]): Promise<{ keys: PublicJwk[] }> {
  needs(keyIds.length > 0, 'a JWKS needs at least one key');
  return { keys: await Promise.all(keyIds.map((id) => publicJwkOf(kms, id))) };
}

export interface KmsJwsSignerOptions {
  readonly kms: KMSClient;
  readonly keyId: string;
}

/**
 * Signs JWTs (ES256) with KMS Sign: RAW message, ECDSA_SHA_256, the DER
 * signature turned into r||s. The private key never leaves KMS.
 */
export class KmsJwsSigner {
  private jwk: Promise<PublicJwk> | undefined;

  public constructor(private readonly options: KmsJwsSignerOptions) {
    needs(options.keyId.length > 0, 'the signing key id must not be empty');
  }

  public publicJwk(): Promise<PublicJwk> {
    this.jwk ??= publicJwkOf(this.options.kms, this.options.keyId).catch((err: unknown) => {
      this.jwk = undefined;
      throw err;
    });
    return this.jwk;
  }

  /** Signs the claims as they are given (the caller sets iss, aud, sub, iat, nbf, exp). */
  public async sign(claims: JWTPayload): Promise<string> {
    const { kid } = await this.publicJwk();
    const header = { alg: 'ES256', typ: 'JWT', kid };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify({ jti: randomUUID(), ...claims }))}`;
    const out = await this.options.kms.send(
      new SignCommand({
        KeyId: this.options.keyId,
        Message: Buffer.from(signingInput, 'ascii'),
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    return `${signingInput}.${derToJose(out.Signature as Uint8Array).toString('base64url')}`;
  }
}

export interface AccessTokenVerifierOptions {
  readonly jwks: JSONWebKeySet;
  readonly issuer: string;
  readonly audience: string;
  /** Allowed clock skew in seconds. @default 5 */
  readonly clockToleranceSeconds?: number;
  /** The oldest `iat` accepted, in seconds (the access-token lifetime). Without it, any age. */
  readonly maxTokenAgeSeconds?: number;
}

/**
 * Verifies access tokens locally with jose against a JWK set: ES256 only,
 * `typ: JWT`, issuer, audience and exp required, `iat` not in the future and
 * (with `maxTokenAgeSeconds`) not older than the lifetime. No KMS call.
 */
export function accessTokenVerifier(options: AccessTokenVerifierOptions) {
  const keys = createLocalJWKSet(options.jwks);
  const tolerance = options.clockToleranceSeconds ?? 5;
  return async (token: string) => {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: ['ES256'],
      issuer: options.issuer,
      audience: options.audience,
      typ: 'JWT',
      requiredClaims: ['exp', 'iat', 'nbf', 'sub', 'jti'],
      clockTolerance: tolerance,
      ...(options.maxTokenAgeSeconds !== undefined ? { maxTokenAge: options.maxTokenAgeSeconds } : {}),
    });
    // jose checks iat only against maxTokenAge; a token issued in the future is refused here.
    if ((payload.iat as number) > Math.floor(Date.now() / 1000) + tolerance) {
      throw Object.assign(new Error('the token was issued in the future'), {
        code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      });
    }
    return payload;
  };
}

function b64url(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}
