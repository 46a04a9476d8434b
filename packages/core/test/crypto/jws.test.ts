import {
  createHmac,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  generateKeyPairSync,
} from 'node:crypto';
import { CreateKeyCommand, GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { type KmsHarness, startKmsHarness } from '@kmsvault/local/testing';
import { calculateJwkThumbprint, decodeProtectedHeader, type JWK } from 'jose';
import { accessTokenVerifier, buildJwks, derToJose, KmsJwsSigner, publicJwkOf } from '../../src/crypto';

const ISS = 'https://vault.example';
const AUD = 'kmsvault-api';

const claims = (overrides: Record<string, unknown> = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISS, aud: AUD, sub: 'user-1', iat: now, nbf: now, exp: now + 900, ...overrides };
};

const tamper = (token: string, part: 0 | 1 | 2, edit: (s: string) => string) => {
  const parts = token.split('.');
  parts[part] = edit(parts[part] as string);
  return parts.join('.');
};
const reencode = (segment: string, edit: (o: Record<string, unknown>) => void) => {
  const o = JSON.parse(Buffer.from(segment, 'base64url').toString());
  edit(o);
  return Buffer.from(JSON.stringify(o)).toString('base64url');
};

describe('Class: KmsJwsSigner', () => {
  let harness: KmsHarness;
  let current: string;
  let previous: string;

  beforeAll(async () => {
    harness = await startKmsHarness();
    const make = async () =>
      (await harness.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' })))
        .KeyMetadata?.KeyId as string;
    current = await make();
    previous = await make();
  });

  afterAll(() => harness.stop());

  it('signs ES256 JWTs with KMS that jose verifies against the JWKS, with one Sign per token', async () => {
    // Arrange
    const signer = new KmsJwsSigner({ kms: harness.kms, keyId: current });
    const jwks = await buildJwks(harness.kms, [current, previous]);
    const verify = accessTokenVerifier({ jwks, issuer: ISS, audience: AUD });
    await signer.publicJwk();
    await harness.resetStats();

    // Act
    const token = await signer.sign(claims());
    const signCalls = await harness.stats();
    const payload = await verify(token);

    // Assert
    expect(signCalls).toEqual({ Sign: 1 });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'JWT', kid: jwks.keys[0]?.kid });
    expect(payload).toMatchObject({ iss: ISS, aud: AUD, sub: 'user-1', jti: expect.any(String) });
    expect(token.split('.')[2]).toHaveLength(86); // 64 bytes r||s, base64url
  });

  it('uses the RFC 7638 thumbprint of the public key as kid', async () => {
    const { PublicKey } = await harness.kms.send(new GetPublicKeyCommand({ KeyId: current }));
    const jwk = createPublicKey({
      key: Buffer.from(PublicKey as Uint8Array),
      format: 'der',
      type: 'spki',
    }).export({
      format: 'jwk',
    });
    const expected = await calculateJwkThumbprint(jwk as JWK, 'sha256');
    expect((await publicJwkOf(harness.kms, current)).kid).toBe(expected);
  });

  it('verifies tokens of the previous key while the JWKS lists it', async () => {
    const jwks = await buildJwks(harness.kms, [current, previous]);
    const old = await new KmsJwsSigner({ kms: harness.kms, keyId: previous }).sign(claims());
    await expect(accessTokenVerifier({ jwks, issuer: ISS, audience: AUD })(old)).resolves.toMatchObject({
      sub: 'user-1',
    });
    const onlyCurrent = await buildJwks(harness.kms, [current]);
    await expect(
      accessTokenVerifier({ jwks: onlyCurrent, issuer: ISS, audience: AUD })(old),
    ).rejects.toThrow();
  });

  it('rejects the token when the header, payload or signature is altered', async () => {
    // Arrange
    const signer = new KmsJwsSigner({ kms: harness.kms, keyId: current });
    const verify = accessTokenVerifier({
      jwks: await buildJwks(harness.kms, [current]),
      issuer: ISS,
      audience: AUD,
    });
    const token = await signer.sign(claims());

    // Act + Assert
    await expect(verify(tamper(token, 0, (h) => reencode(h, (o) => (o.typ = 'at+jwt'))))).rejects.toThrow();
    await expect(verify(tamper(token, 1, (p) => reencode(p, (o) => (o.sub = 'user-2'))))).rejects.toThrow();
    await expect(
      verify(tamper(token, 2, (s) => `${s.slice(0, -2)}${s.endsWith('AA') ? 'AB' : 'AA'}`)),
    ).rejects.toThrow();
  });

  it('rejects alg none, HS256 keyed with the public key, expiry, wrong issuer or audience', async () => {
    // Arrange
    const jwks = await buildJwks(harness.kms, [current]);
    const verify = accessTokenVerifier({ jwks, issuer: ISS, audience: AUD });
    const signer = new KmsJwsSigner({ kms: harness.kms, keyId: current });
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const kid = jwks.keys[0]?.kid;

    // Act + Assert
    await expect(verify(`${b64({ alg: 'none', typ: 'JWT', kid })}.${b64(claims())}.`)).rejects.toThrow();
    const input = `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${b64(claims())}`;
    const hs = createHmac('sha256', JSON.stringify(jwks.keys[0])).update(input).digest('base64url');
    await expect(verify(`${input}.${hs}`)).rejects.toThrow();
    await expect(
      verify(await signer.sign(claims({ exp: Math.floor(Date.now() / 1000) - 60 }))),
    ).rejects.toThrow(/exp/);
    await expect(verify(await signer.sign(claims({ iss: 'https://evil.example' })))).rejects.toThrow(/iss/);
    await expect(verify(await signer.sign(claims({ aud: 'other' })))).rejects.toThrow(/aud/);
  });
});

describe('Function: derToJose', () => {
  const der = (r: number[], s: number[]) =>
    Buffer.from([0x30, 4 + r.length + s.length, 0x02, r.length, ...r, 0x02, s.length, ...s]);

  it('turns a node:crypto DER signature into the r||s a JOSE library verifies', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 20; i++) {
      const message = Buffer.from(`message ${i}`);
      const signature = cryptoSign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
      const jose = derToJose(signature);
      expect(jose).toHaveLength(64);
      expect(cryptoVerify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose)).toBe(true);
    }
  });

  it('left-pads short integers and strips the sign byte', () => {
    const out = derToJose(der([0x01], [0x00, 0x80, ...Array(31).fill(1)]));
    expect(out.subarray(0, 32)).toEqual(Buffer.concat([Buffer.alloc(31), Buffer.from([1])]));
    expect(out.subarray(32)).toEqual(Buffer.from([0x80, ...Array(31).fill(1)]));
  });

  describe('preconditions', () => {
    it('the DER signature must start with a SEQUENCE', () => {
      expect(() => derToJose(Buffer.from([0x31, 6, 2, 1, 1, 2, 1, 1]))).toThrow(
        'the DER signature must start with a SEQUENCE',
      );
    });

    it('the DER SEQUENCE length must use the short form', () => {
      expect(() => derToJose(Buffer.from([0x30, 0x81, 6, 2, 1, 1, 2, 1, 1]))).toThrow(
        'the DER SEQUENCE length must use the short form',
      );
    });

    it('the DER SEQUENCE length must cover exactly the rest of the signature', () => {
      expect(() => derToJose(Buffer.from([0x30, 7, 2, 1, 1, 2, 1, 1]))).toThrow(
        'the DER SEQUENCE length must cover exactly the rest of the signature',
      );
    });

    it('each DER signature part must be an INTEGER', () => {
      expect(() => derToJose(Buffer.from([0x30, 6, 4, 1, 1, 2, 1, 1]))).toThrow(
        'each DER signature part must be an INTEGER',
      );
    });

    it('the DER INTEGER length is out of range', () => {
      expect(() => derToJose(Buffer.from([0x30, 6, 2, 9, 1, 2, 1, 1]))).toThrow(
        'the DER INTEGER length is out of range',
      );
    });

    it('the DER INTEGER must be positive', () => {
      expect(() => derToJose(der([0x80], [1]))).toThrow('the DER INTEGER must be positive');
    });

    it('the DER INTEGER must be minimally encoded', () => {
      expect(() => derToJose(der([0x00, 0x01], [1]))).toThrow('the DER INTEGER must be minimally encoded');
    });

    it('the DER INTEGER is larger than the curve', () => {
      expect(() => derToJose(der(Array(33).fill(1), [1]))).toThrow(
        'the DER INTEGER is larger than the curve',
      );
    });

    it('the DER signature must have nothing after its two INTEGERs', () => {
      const withExtra = Buffer.from([0x30, 9, 2, 1, 1, 2, 1, 1, 2, 1, 1]);
      expect(() => derToJose(withExtra)).toThrow(
        'the DER signature must have nothing after its two INTEGERs',
      );
    });
  });
});

describe('Function: publicJwkOf and buildJwks preconditions', () => {
  let harness: KmsHarness;
  beforeAll(async () => {
    harness = await startKmsHarness();
  });
  afterAll(() => harness.stop());

  it('the signing key must be ECC_NIST_P256 SIGN_VERIFY', async () => {
    const rsa = await harness.kms.send(
      new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }),
    );
    await expect(publicJwkOf(harness.kms, rsa.KeyMetadata?.KeyId as string)).rejects.toThrow(
      'the signing key must be ECC_NIST_P256 SIGN_VERIFY',
    );
  });

  it('a JWKS needs at least one key', async () => {
    await expect(buildJwks(harness.kms, [])).rejects.toThrow('a JWKS needs at least one key');
  });

  it('the signing key id must not be empty', () => {
    expect(() => new KmsJwsSigner({ kms: new KMSClient({ region: 'us-east-1' }), keyId: '' })).toThrow(
      'the signing key id must not be empty',
    );
  });
});
