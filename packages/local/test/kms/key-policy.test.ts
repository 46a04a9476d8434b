import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateKeyCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  type KMSClient,
  ListKeyPoliciesCommand,
  MalformedPolicyDocumentException,
  PutKeyPolicyCommand,
} from '@aws-sdk/client-kms';
import { defaultKeyPolicy, FileStateStore, KmsEmulator } from '../../src/kms';
import {
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
 * Key policies (src/kms/key-policy.ts): CreateKey's Policy, GetKeyPolicy,
 * PutKeyPolicy, ListKeyPolicies, and KMS's two safety checks, through real
 * KMS clients against KmsEmulatorServer with a local IAM.
 */

const INVALID_PRINCIPALS = 'Policy contains a statement with one or more invalid principals.';
const LOCKOUT = 'The new key policy will not allow you to update the key policy in the future.';

describe('Function: putKeyPolicy and CreateKey policies', () => {
  let kms: IamKms;
  let deployer: KMSClient;
  let auth: KMSClient;

  beforeAll(async () => {
    kms = await startIamKms();
    deployer = kms.client(DEPLOYER);
    auth = kms.client(role('AuthRole'));
  });
  afterAll(() => kms.stop());

  const create = (statements: object[], bypass?: boolean) =>
    deployer.send(
      new CreateKeyCommand({
        Policy: JSON.stringify(policy(...(statements as never[]))),
        ...(bypass !== undefined ? { BypassPolicyLockoutSafetyCheck: bypass } : {}),
      }),
    );

  it('gives a key created without a policy KMS default policy', async () => {
    const out = await deployer.send(new CreateKeyCommand({}));
    const keyId = out.KeyMetadata?.KeyId as string;
    const got = await deployer.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }));
    expect(JSON.parse(got.Policy as string)).toEqual(JSON.parse(defaultKeyPolicy('111122223333')));
    const names = await deployer.send(new ListKeyPoliciesCommand({ KeyId: keyId }));
    expect(names.PolicyNames).toEqual(['default']);
  });

  it('keeps the policy text CreateKey is given', async () => {
    const text = JSON.stringify(policy(DEPLOYER_ADMIN, allow('AuthRole', 'kms:Encrypt')), null, 2);
    const out = await deployer.send(new CreateKeyCommand({ Policy: text }));
    const got = await deployer.send(new GetKeyPolicyCommand({ KeyId: out.KeyMetadata?.KeyId }));
    expect(got.Policy).toBe(text);
  });

  it('replaces the policy with PutKeyPolicy, and the new one is enforced', async () => {
    const out = await create([DEPLOYER_ADMIN]);
    const keyId = out.KeyMetadata?.KeyId as string;
    await expect(
      auth.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    await deployer.send(
      new PutKeyPolicyCommand({
        KeyId: keyId,
        PolicyName: 'default',
        Policy: JSON.stringify(policy(DEPLOYER_ADMIN, allow('AuthRole', 'kms:Encrypt'))),
      }),
    );
    await expect(
      auth.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })),
    ).resolves.toBeDefined();
  });

  it('throws when a CreateKey policy names a role that does not exist', async () => {
    await expect(create([DEPLOYER_ADMIN, allow('NoSuchRole', 'kms:Decrypt')])).rejects.toThrow(
      new MalformedPolicyDocumentException({ $metadata: {}, message: INVALID_PRINCIPALS }),
    );
  });

  it('throws when a PutKeyPolicy policy names a role that does not exist', async () => {
    const keyId = (await create([DEPLOYER_ADMIN])).KeyMetadata?.KeyId;
    await expect(
      deployer.send(
        new PutKeyPolicyCommand({
          KeyId: keyId,
          Policy: JSON.stringify(policy(DEPLOYER_ADMIN, allow('NoSuchRole', 'kms:Decrypt'))),
        }),
      ),
    ).rejects.toThrow(INVALID_PRINCIPALS);
  });

  it('throws when a CreateKey policy would leave the caller without kms:PutKeyPolicy, unless bypassed', async () => {
    // AdministratorAccess does not help: without the account-root statement the key policy alone decides.
    await expect(create([allow('AuthRole', 'kms:*')])).rejects.toThrow(
      new MalformedPolicyDocumentException({ $metadata: {}, message: LOCKOUT }),
    );
    const out = await create([allow('AuthRole', 'kms:*')], true);
    const keyId = out.KeyMetadata?.KeyId as string;
    await expect(
      deployer.send(
        new PutKeyPolicyCommand({ KeyId: keyId, Policy: JSON.stringify(policy(ROOT_STATEMENT)) }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('accepts a policy that delegates to the account root (the caller keeps PutKeyPolicy through IAM)', async () => {
    await expect(create([ROOT_STATEMENT])).resolves.toBeDefined();
  });

  it('throws when PutKeyPolicy would lock the caller out, unless bypassed', async () => {
    const keyId = (await create([DEPLOYER_ADMIN])).KeyMetadata?.KeyId;
    const lockout = JSON.stringify(policy(allow('AuthRole', 'kms:*')));
    await expect(deployer.send(new PutKeyPolicyCommand({ KeyId: keyId, Policy: lockout }))).rejects.toThrow(
      LOCKOUT,
    );
    await deployer.send(
      new PutKeyPolicyCommand({ KeyId: keyId, Policy: lockout, BypassPolicyLockoutSafetyCheck: true }),
    );
    const got = await auth.send(new GetKeyPolicyCommand({ KeyId: keyId }));
    expect(got.Policy).toBe(lockout);
  });

  it('throws when the policy is not a valid policy document', async () => {
    await expect(deployer.send(new CreateKeyCommand({ Policy: '{"Statement": ' }))).rejects.toThrow(
      MalformedPolicyDocumentException,
    );
    await expect(
      deployer.send(new CreateKeyCommand({ Policy: JSON.stringify({ Statement: [{ Effect: 'Maybe' }] }) })),
    ).rejects.toThrow(MalformedPolicyDocumentException);
  });
});

describe('Class: KmsEmulator (key policies without an IAM)', () => {
  it('stores policies, checks their syntax only, and keeps them in its state file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kms-policy-'));
    try {
      const file = join(dir, 'kms.json');
      const text = JSON.stringify(policy(allow('RoleNobodyDefined', 'kms:*')));
      const first = new KmsEmulator({ store: new FileStateStore(file) });
      const keyId = (first.handle('CreateKey', { Policy: text }).KeyMetadata as { KeyId: string }).KeyId;
      let error: unknown;
      try {
        first.handle('PutKeyPolicy', { KeyId: keyId, Policy: 'not json' });
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({
        type: 'MalformedPolicyDocumentException',
        message: 'The key policy is not valid JSON.',
      });
      const second = new KmsEmulator({ store: new FileStateStore(file) });
      expect(second.handle('GetKeyPolicy', { KeyId: keyId })).toEqual({
        Policy: text,
        PolicyName: 'default',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
