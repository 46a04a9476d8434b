import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DecryptCommand,
  GenerateDataKeyCommand,
  GetKeyPolicyCommand,
  PutKeyPolicyCommand,
} from '@aws-sdk/client-kms';
import { aws_iam as iam } from 'aws-cdk-lib';
import { type LocalStack, startLocalStack } from '../../src/stack';
import { LOCAL_KEY_ADMIN, synthTestAssembly, TEST_ACCOUNT } from '../support/assembly';

const start = (assembly: { dir: string; stackName: string }) =>
  startLocalStack({
    assembly,
    inMemory: true,
    dataDir: mkdtempSync(join(tmpdir(), 'kmsvault-platform-')),
    writeLocalJson: false,
    functionLogs: () => {},
  });

const userKeyContext = { purpose: 'user-key', userId: 'platform-test' };

describe("Local cloud: a platform team's Vault given only keyAdmins", () => {
  // GIVEN a platform team's app: a Vault with key administrators only, and two roles of its own,
  // one of them granted decrypt on the vault key through the construct's key.
  const assembly = synthTestAssembly(
    'platform',
    { keyAdmins: [new iam.ArnPrincipal(LOCAL_KEY_ADMIN)] },
    (stack, vault) => {
      const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
      new iam.Role(stack, 'Bystander', { assumedBy: new iam.AccountRootPrincipal() });
      vault.vaultKey.grantDecrypt(reader);
    },
  );
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await start(assembly);
  });

  afterAll(() => stack?.stop());

  const roleArn = (prefix: string) =>
    stack.template.roles.find((r) => r.logicalId.startsWith(prefix))?.arn as `arn:${string}`;

  it('deploys, and the deploying role can still manage its keys (KMS lockout check)', async () => {
    // WHEN the deployer (the synthesizer's CloudFormation execution role) reads and puts a key policy
    const keyId = stack.info.keys.vault;
    const { Policy } = await stack.kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }));
    const put = await stack.kms.send(
      new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy }),
    );

    // THEN both are allowed, and the deployer's statement is in the policy
    expect(put.$metadata.httpStatusCode).toBe(200);
    expect(Policy).toContain(stack.info.deployer.roleArn);
  });

  it('lets a role granted vault.vaultKey.grantDecrypt decrypt, and denies a role with no grant', async () => {
    // GIVEN a wrapped user key made by the auth function's role
    const { CiphertextBlob } = await stack.kmsAs('auth').send(
      new GenerateDataKeyCommand({
        KeyId: stack.info.keys.vault,
        KeySpec: 'AES_256',
        EncryptionContext: userKeyContext,
      }),
    );

    // WHEN the granted role and a role without a grant decrypt it
    const granted = await stack
      .kmsAs(roleArn('Reader'))
      .send(new DecryptCommand({ CiphertextBlob, EncryptionContext: userKeyContext }));
    const denied = await stack
      .kmsAs(roleArn('Bystander'))
      .send(new DecryptCommand({ CiphertextBlob, EncryptionContext: userKeyContext }))
      .catch((err: Error) => err);

    // THEN
    expect(granted.Plaintext?.length).toBe(32);
    expect((denied as Error).name).toBe('AccessDeniedException');
  });
});

describe('Local cloud: a template KMS would refuse fails the start, naming the key', () => {
  it('fails when a key policy names a role that does not exist', async () => {
    const assembly = synthTestAssembly('ghost-admin', {
      keyAdmins: [new iam.ArnPrincipal(`arn:aws:iam::${TEST_ACCOUNT}:role/KmsvaultKeyAdmin`)],
    });

    await expect(start(assembly)).rejects.toThrow(
      /^Vault\w*Key\w*: AWS::KMS::Key failed to create: MalformedPolicyDocumentException: Policy contains a statement with one or more invalid principals/,
    );
  });

  it('fails when the deployer is left out of the key administrators and would lock itself out', async () => {
    const assembly = synthTestAssembly('deployer-out', {
      keyAdmins: [new iam.ArnPrincipal(LOCAL_KEY_ADMIN)],
      deployerIsKeyAdmin: false,
    });

    await expect(start(assembly)).rejects.toThrow(
      /^Vault\w*Key\w*: AWS::KMS::Key failed to create: MalformedPolicyDocumentException: The new key policy will not allow you to update the key policy in the future/,
    );
  });
});
