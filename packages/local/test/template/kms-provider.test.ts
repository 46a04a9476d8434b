import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  GetKeyRotationStatusCommand,
  type KMSClient,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { localKmsClient } from '../../src/clients';
import { KmsEmulatorServer } from '../../src/kms';
import {
  type KeyCreation,
  type KeyProvider,
  type KeyReference,
  loadTemplate,
  type PolicyDocument,
  SdkKeyProvider,
  type TableProvider,
} from '../../src/template';
import { writeAssembly } from './fixtures';

const policy = (sid: string): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: sid,
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:root' },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
});

describe('Class: SdkKeyProvider', () => {
  let kms: KmsEmulatorServer;
  let client: KMSClient;
  let provider: SdkKeyProvider;

  beforeAll(async () => {
    kms = new KmsEmulatorServer({ region: 'eu-west-1' });
    await kms.start();
    client = localKmsClient(kms.endpoint);
    provider = new SdkKeyProvider(client);
  });

  afterAll(async () => {
    client?.destroy();
    await kms?.stop();
  });

  it('creates a key with its spec, usage, description, rotation and enabled state', async () => {
    const key = await provider.createKey({
      logicalId: 'VaultKey',
      keySpec: 'SYMMETRIC_DEFAULT',
      keyUsage: 'ENCRYPT_DECRYPT',
      description: 'vault key',
      policy: policy('Root'),
      enableKeyRotation: true,
      enabled: false,
    });

    const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: key.keyId }));
    const rotation = await client.send(new GetKeyRotationStatusCommand({ KeyId: key.keyId }));
    expect(KeyMetadata).toMatchObject({
      Arn: key.arn,
      KeySpec: 'SYMMETRIC_DEFAULT',
      Description: 'vault key',
      Enabled: false,
    });
    expect(rotation.KeyRotationEnabled).toBe(true);
  });

  it('describes a key that exists, and not one that is unknown or pending deletion', async () => {
    const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
    const keyId = KeyMetadata?.KeyId as string;

    expect(await provider.describeKey(keyId)).toEqual({ keyId, arn: KeyMetadata?.Arn });
    expect(await provider.describeKey('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    await client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    expect(await provider.describeKey(keyId)).toBeUndefined();
  });

  it('creates an alias, and points it at another key when it exists', async () => {
    const first = (await client.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
    const second = (await client.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;

    await provider.ensureAlias('alias/kmsvault-test', first);
    await provider.ensureAlias('alias/kmsvault-test', second);

    const { Aliases } = await client.send(new ListAliasesCommand({}));
    expect(Aliases?.find((a) => a.AliasName === 'alias/kmsvault-test')?.TargetKeyId).toBe(second);
  });
});

/**
 * Records the provisioner's calls and passes them on to the real provider.
 * PutKeyPolicy is recorded but not passed on: the emulator on this branch
 * has no PutKeyPolicy yet (the KMS authorization work adds it); once it has,
 * pass it on too and read the policy back with GetKeyPolicy.
 */
class RecordingKeyProvider implements KeyProvider {
  public readonly calls: string[] = [];
  public readonly policies: PolicyDocument[] = [];

  public constructor(private readonly inner: KeyProvider) {}

  public describeKey(keyId: string): Promise<KeyReference | undefined> {
    this.calls.push('describeKey');
    return this.inner.describeKey(keyId);
  }

  public createKey(key: KeyCreation): Promise<KeyReference> {
    this.calls.push('createKey');
    return this.inner.createKey(key);
  }

  public async putKeyPolicy(_keyId: string, document: PolicyDocument): Promise<void> {
    this.calls.push('putKeyPolicy');
    this.policies.push(document);
  }

  public setKeyRotation(keyId: string, enabled: boolean): Promise<void> {
    this.calls.push(`setKeyRotation:${enabled}`);
    return this.inner.setKeyRotation(keyId, enabled);
  }

  public setKeyEnabled(keyId: string, enabled: boolean): Promise<void> {
    this.calls.push(`setKeyEnabled:${enabled}`);
    return this.inner.setKeyEnabled(keyId, enabled);
  }

  public ensureAlias(aliasName: string, targetKeyId: string): Promise<void> {
    this.calls.push('ensureAlias');
    return this.inner.ensureAlias(aliasName, targetKeyId);
  }
}

describe('Function: loadTemplate (keys across restarts)', () => {
  const noTables: TableProvider = { ensureTable: () => Promise.reject(new Error('no tables here')) };
  let kms: KmsEmulatorServer;
  let client: KMSClient;
  let dir: string;

  const template = (sid: string, extra: Record<string, unknown> = {}, aliasName = 'alias/test') => ({
    Resources: {
      Key: {
        Type: 'AWS::KMS::Key',
        Properties: { Description: 'test key', KeyPolicy: policy(sid), ...extra },
      },
      Alias: {
        Type: 'AWS::KMS::Alias',
        Properties: { AliasName: aliasName, TargetKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } },
      },
    },
    Outputs: { KeyId: { Value: { Ref: 'Key' } } },
  });
  const assemblies: string[] = [];
  const assembly = (body: Record<string, unknown>) => {
    assemblies.push(writeAssembly(body));
    return assemblies.at(-1) as string;
  };
  const load = (
    body: Record<string, unknown>,
    keys: KeyProvider,
    statePath = join(dir, 'stack-state.json'),
  ) =>
    loadTemplate({ assemblyDir: assembly(body), stackName: 'Test-dev', statePath, keys, tables: noTables });

  beforeAll(async () => {
    kms = new KmsEmulatorServer({ region: 'eu-west-1' });
    await kms.start();
    client = localKmsClient(kms.endpoint);
    dir = mkdtempSync(join(tmpdir(), 'kmsvault-keys-'));
  });

  afterAll(async () => {
    client?.destroy();
    await kms?.stop();
    for (const d of [dir, ...assemblies]) if (d !== undefined) rmSync(d, { recursive: true, force: true });
  });

  it('reuses the key on a restart, applies a changed policy with PutKeyPolicy and replaces a key whose spec changed', async () => {
    const first = await load(template('One'), new SdkKeyProvider(client));
    const firstKey = first.keys[0];

    const unchanged = new RecordingKeyProvider(new SdkKeyProvider(client));
    const second = await load(template('One'), unchanged);

    const changed = new RecordingKeyProvider(new SdkKeyProvider(client));
    const third = await load(template('Two', { EnableKeyRotation: true }), changed);

    const respec = new RecordingKeyProvider(new SdkKeyProvider(client));
    const fourth = await load(
      // KMS refuses to move an alias to a key of another type, so the new key gets a new alias.
      template('Two', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }, 'alias/test-hmac'),
      respec,
    );

    expect(first.outputs.KeyId).toBe(firstKey?.keyId);
    expect(first.aliases).toEqual([
      { logicalId: 'Alias', aliasName: 'alias/test', targetKeyId: firstKey?.keyId },
    ]);
    expect(second.keys[0]?.keyId).toBe(firstKey?.keyId);
    expect(unchanged.calls).toEqual(['describeKey', 'ensureAlias']);
    expect(third.keys[0]?.keyId).toBe(firstKey?.keyId);
    expect(changed.calls).toEqual(['describeKey', 'putKeyPolicy', 'setKeyRotation:true', 'ensureAlias']);
    expect(changed.policies).toEqual([policy('Two')]);
    expect(fourth.keys[0]?.keyId).not.toBe(firstKey?.keyId);
    expect(respec.calls).toEqual(['createKey', 'ensureAlias']);
    const { Aliases } = await client.send(new ListAliasesCommand({}));
    expect(Aliases?.find((a) => a.AliasName === 'alias/test-hmac')?.TargetKeyId).toBe(fourth.keys[0]?.keyId);
    expect(Aliases?.find((a) => a.AliasName === 'alias/test')?.TargetKeyId).toBe(firstKey?.keyId);
  });

  it('creates the key again when the emulator no longer has it', async () => {
    const statePath = join(dir, 'gone-state.json');
    const first = await load(template('One'), new SdkKeyProvider(client), statePath);
    await client.send(
      new ScheduleKeyDeletionCommand({ KeyId: first.keys[0]?.keyId, PendingWindowInDays: 7 }),
    );

    const recorder = new RecordingKeyProvider(new SdkKeyProvider(client));
    const second = await load(template('One'), recorder, statePath);

    expect(recorder.calls).toEqual(['describeKey', 'createKey', 'ensureAlias']);
    expect(second.keys[0]?.keyId).not.toBe(first.keys[0]?.keyId);
  });

  it('creates new keys on every load without a state file', async () => {
    const keys = new SdkKeyProvider(client);
    const a = await loadTemplate({
      assemblyDir: assembly(template('One')),
      stackName: 'Test-dev',
      keys,
      tables: noTables,
    });
    const b = await loadTemplate({
      assemblyDir: assembly(template('One')),
      stackName: 'Test-dev',
      keys,
      tables: noTables,
    });

    expect(a.keys[0]?.keyId).not.toBe(b.keys[0]?.keyId);
  });
});
