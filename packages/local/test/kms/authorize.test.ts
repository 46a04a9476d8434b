import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateMacCommand,
  type KMSClient,
  ListKeysCommand,
} from '@aws-sdk/client-kms';
import type { PolicyStatement } from '../../src/template/types';
import {
  ACCOUNT,
  allow,
  DEPLOYER,
  DEPLOYER_ADMIN,
  type IamKms,
  policy,
  ROOT_STATEMENT,
  role,
  startIamKms,
} from './iam-fixture';

/**
 * KMS authorization (src/kms/authorize.ts) through real KMS clients signing
 * as different principals against KmsEmulatorServer with a local IAM.
 * Statements are the templates' (infra/src/keys.ts) or AWS KMS documentation
 * examples, as each test says.
 */

const text = (s: string) => Buffer.from(s, 'utf8');
/** KMS answers AccessDeniedException, which its SDK models as no class of its own. */
const DENIED = { name: 'AccessDeniedException' };
const session = (name: string) => `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/local`;

describe('Function: authorizeCall', () => {
  let kms: IamKms;
  let deployer: KMSClient;
  let auth: KMSClient;
  let secrets: KMSClient;
  let app: KMSClient;

  beforeAll(async () => {
    kms = await startIamKms();
    deployer = kms.client(DEPLOYER);
    auth = kms.client(role('AuthRole'));
    secrets = kms.client(role('SecretsRole'));
    app = kms.client(role('AppRole'));
  });
  afterAll(() => kms.stop());

  async function key(
    statements: PolicyStatement[],
    spec: 'SYMMETRIC_DEFAULT' | 'HMAC_256' = 'SYMMETRIC_DEFAULT',
  ) {
    const out = await deployer.send(
      new CreateKeyCommand({
        Policy: JSON.stringify(policy(DEPLOYER_ADMIN, ...statements)),
        KeySpec: spec,
        KeyUsage: spec === 'HMAC_256' ? 'GENERATE_VERIFY_MAC' : 'ENCRYPT_DECRYPT',
      }),
    );
    return out.KeyMetadata?.Arn as string;
  }

  it('allows a role the key policy names and denies another, in KMS words', async () => {
    const keyArn = await key([allow('AuthRole', ['kms:Encrypt', 'kms:Decrypt'])]);
    const out = await auth.send(new EncryptCommand({ KeyId: keyArn, Plaintext: text('x') }));
    expect(out.KeyId).toBe(keyArn);
    await expect(
      secrets.send(new EncryptCommand({ KeyId: keyArn, Plaintext: text('x') })),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${session('SecretsRole')} is not authorized to perform: kms:Encrypt on resource: ${keyArn} because no resource-based policy allows the kms:Encrypt action`,
    });
  });

  it('honours an identity policy only when the key policy delegates to the account', async () => {
    const without = await key([]);
    await expect(app.send(new EncryptCommand({ KeyId: without, Plaintext: text('x') }))).rejects.toThrow(
      /because no resource-based policy allows the kms:Encrypt action/,
    );
    const delegated = await key([ROOT_STATEMENT]);
    await expect(
      app.send(new EncryptCommand({ KeyId: delegated, Plaintext: text('x') })),
    ).resolves.toBeDefined();
    await expect(
      app.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: delegated, KeySpec: 'AES_256' })),
    ).rejects.toThrow(
      `User: ${session('AppRole')} is not authorized to perform: kms:GenerateDataKeyWithoutPlaintext on resource: ${delegated} because no identity-based policy allows the kms:GenerateDataKeyWithoutPlaintext action`,
    );
  });

  it('checks kms:EncryptionContext:purpose (the template AuthGeneratesUserKeys statement)', async () => {
    const keyArn = await key([
      allow('AuthRole', ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'], {
        StringEquals: { 'kms:EncryptionContext:purpose': 'user-key' },
      }),
    ]);
    const encrypt = (context?: Record<string, string>) =>
      auth.send(new EncryptCommand({ KeyId: keyArn, Plaintext: text('k'), EncryptionContext: context }));
    const sealed = await encrypt({ purpose: 'user-key', user: 'alice' });
    await expect(encrypt({ purpose: 'service-key' })).rejects.toMatchObject(DENIED);
    await expect(encrypt()).rejects.toMatchObject(DENIED);
    const opened = await auth.send(
      new DecryptCommand({
        CiphertextBlob: sealed.CiphertextBlob,
        EncryptionContext: { purpose: 'user-key', user: 'alice' },
      }),
    );
    expect(Buffer.from(opened.Plaintext as Uint8Array).toString()).toBe('k');
  });

  it('checks kms:EncryptionContext:AppName (AWS KMS docs, kms:EncryptionContext:context-key example)', async () => {
    const keyArn = await key([
      allow('AuthRole', 'kms:GenerateDataKey', {
        StringEquals: { 'kms:EncryptionContext:AppName': 'ExampleApp' },
      }),
    ]);
    const generate = (AppName: string) =>
      auth.send(
        new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: { AppName } }),
      );
    await expect(generate('ExampleApp')).resolves.toBeDefined();
    await expect(generate('OtherApp')).rejects.toMatchObject(DENIED);
  });

  it('authorizes a Decrypt without KeyId on the key its ciphertext names', async () => {
    const keyArn = await key([
      allow('AuthRole', ['kms:Encrypt', 'kms:Decrypt']),
      allow('SecretsRole', 'kms:Encrypt'),
    ]);
    const sealed = await auth.send(new EncryptCommand({ KeyId: keyArn, Plaintext: text('s') }));
    await expect(secrets.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }))).rejects.toThrow(
      `User: ${session('SecretsRole')} is not authorized to perform: kms:Decrypt on resource: ${keyArn} because no resource-based policy allows the kms:Decrypt action`,
    );
  });

  it('checks kms:ViaService: allowed only when the service calls on the principal behalf', async () => {
    // The template's <Role>UsesTableThroughDynamoDb statement; AWS KMS docs' kms:ViaService example has the same shape.
    const keyArn = await key([
      allow('SecretsRole', ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*'], {
        StringEquals: { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com', 'kms:CallerAccount': ACCOUNT },
      }),
    ]);
    await expect(
      secrets.send(new EncryptCommand({ KeyId: keyArn, Plaintext: text('x') })),
    ).rejects.toMatchObject(DENIED);
    const principal = kms.principal(role('SecretsRole'));
    const input = { KeyId: keyArn, Plaintext: text('x').toString('base64') };
    const out = kms.server.emulator.handle('Encrypt', input, {
      principal,
      viaService: 'dynamodb.us-east-1.amazonaws.com',
    });
    expect(out.KeyId).toBe(keyArn);
    expect(() =>
      kms.server.emulator.handle('Encrypt', input, { principal, viaService: 'ec2.us-east-1.amazonaws.com' }),
    ).toThrow(/not authorized to perform: kms:Encrypt/);
  });

  it('checks kms:MacAlgorithm (the template AuthChecksPasswords statement; AWS docs use HMAC_SHA_384)', async () => {
    const sha256 = await key(
      [allow('AuthRole', 'kms:GenerateMac', { StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' } })],
      'HMAC_256',
    );
    const sha384 = await key(
      [allow('AuthRole', 'kms:GenerateMac', { StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_384' } })],
      'HMAC_256',
    );
    const mac = (KeyId: string) =>
      auth.send(new GenerateMacCommand({ KeyId, Message: text('m'), MacAlgorithm: 'HMAC_SHA_256' }));
    await expect(mac(sha256)).resolves.toBeDefined();
    await expect(mac(sha384)).rejects.toMatchObject(DENIED);
  });

  it('lets an explicit deny win over an allow', async () => {
    const keyArn = await key([
      allow('AuthRole', 'kms:*'),
      {
        Sid: 'DenyDecrypt',
        Effect: 'Deny',
        Principal: { AWS: role('AuthRole') },
        Action: 'kms:Decrypt',
        Resource: '*',
      },
    ]);
    const sealed = await auth.send(new EncryptCommand({ KeyId: keyArn, Plaintext: text('x') }));
    await expect(auth.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }))).rejects.toThrow(
      `User: ${session('AuthRole')} is not authorized to perform: kms:Decrypt on resource: ${keyArn} with an explicit deny in a resource-based policy`,
    );
  });

  it('checks kms:RequestAlias on a call that names the key by its alias', async () => {
    const keyArn = await key([
      allow('AuthRole', 'kms:Encrypt', { StringEquals: { 'kms:RequestAlias': 'alias/vault-iam' } }),
    ]);
    await deployer.send(new CreateAliasCommand({ AliasName: 'alias/vault-iam', TargetKeyId: keyArn }));
    await expect(
      auth.send(new EncryptCommand({ KeyId: 'alias/vault-iam', Plaintext: text('x') })),
    ).resolves.toBeDefined();
    await expect(
      auth.send(new EncryptCommand({ KeyId: keyArn, Plaintext: text('x') })),
    ).rejects.toMatchObject(DENIED);
  });

  it('authorizes CreateKey and ListKeys on identity policies only', async () => {
    await expect(auth.send(new CreateKeyCommand({}))).rejects.toThrow(
      `User: ${session('AuthRole')} is not authorized to perform: kms:CreateKey on resource: * because no identity-based policy allows the kms:CreateKey action`,
    );
    await expect(app.send(new ListKeysCommand({}))).rejects.toMatchObject(DENIED);
    await expect(deployer.send(new ListKeysCommand({}))).resolves.toBeDefined();
  });

  it('rejects unknown credentials and a bad signature as KMS does', async () => {
    const stranger = kms.clientWith({ accessKeyId: 'LOCALNOSUCHPRINCIPAL', secretAccessKey: 'secret' });
    await expect(stranger.send(new ListKeysCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    const forged = kms.clientWith({
      ...kms.principal(DEPLOYER).credentials,
      secretAccessKey: 'not-the-secret',
    });
    await expect(forged.send(new ListKeysCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
  });

  it('denies an in-process call that names no principal', () => {
    expect(() => kms.server.emulator.handle('ListKeys', {})).toThrow(
      'User: anonymous is not authorized to perform: kms:ListKeys on resource: * because no identity-based policy allows the kms:ListKeys action',
    );
  });
});
