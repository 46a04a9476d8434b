import {
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GetKeyRotationStatusCommand,
  LimitExceededException,
  ListKeyRotationsCommand,
  ReEncryptCommand,
  RotateKeyOnDemandCommand,
  type RotationsListEntry,
  UnsupportedOperationException,
} from '@aws-sdk/client-kms';
import { text, useKmsServer } from './fixture';

const DAY_MS = 86_400_000;

describe('Function: rotateOnDemand', () => {
  const fixture = useKmsServer();

  it('does not move NextRotationDate: only automatic rotation sets it', async () => {
    // Arrange
    const { kms, createKey } = fixture;
    const keyId = await createKey();
    const enabledFrom = Date.now();
    await kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    const enabledTo = Date.now();
    const before = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));

    // Act
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const after = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));

    // Assert
    const next = before.NextRotationDate?.getTime() as number;
    expect(next).toBeGreaterThanOrEqual(Math.floor(enabledFrom / 1000) * 1000 + 90 * DAY_MS);
    expect(next).toBeLessThanOrEqual(enabledTo + 90 * DAY_MS);
    expect(after.NextRotationDate?.getTime()).toBe(next);
    expect(after.RotationPeriodInDays).toBe(90);
    // The emulator's on-demand rotation completes at once; KMS drops the field once it has.
    expect(after.OnDemandRotationStartDate).toBeUndefined();
  });

  it('reports no NextRotationDate or RotationPeriodInDays while automatic rotation is disabled', async () => {
    const { kms, createKey } = fixture;
    const keyId = await createKey();
    await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
    await kms.send(new DisableKeyRotationCommand({ KeyId: keyId }));
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    expect(status.KeyRotationEnabled).toBe(false);
    expect(status.NextRotationDate).toBeUndefined();
    expect(status.RotationPeriodInDays).toBeUndefined();
  });

  it('throws LimitExceededException after 25 on-demand rotations of a key', async () => {
    // Arrange
    const { kms, createKey } = fixture;
    const keyId = await createKey();
    for (let i = 0; i < 25; i++) await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));

    // Act
    const refused = kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));

    // Assert
    await expect(refused).rejects.toBeInstanceOf(LimitExceededException);
    const { Rotations } = await kms.send(new ListKeyRotationsCommand({ KeyId: keyId, Limit: 1000 }));
    expect(Rotations).toHaveLength(25);
    expect(Rotations?.every((r) => r.RotationType === 'ON_DEMAND')).toBe(true);
  });
});

describe('Function: listRotations', () => {
  const fixture = useKmsServer();

  it('pages through rotations with Limit and Marker, and adds the first material with ALL_KEY_MATERIAL', async () => {
    // Arrange
    const { kms, createKey } = fixture;
    const keyId = await createKey();
    const original = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    for (let i = 0; i < 3; i++) await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));

    // Act
    const pages: RotationsListEntry[][] = [];
    let Marker: string | undefined;
    do {
      const page = await kms.send(
        new ListKeyRotationsCommand({ KeyId: keyId, Limit: 2, ...(Marker ? { Marker } : {}) }),
      );
      pages.push(page.Rotations ?? []);
      Marker = page.Truncated ? page.NextMarker : undefined;
    } while (Marker);
    const all = await kms.send(
      new ListKeyRotationsCommand({ KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }),
    );

    // Assert
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    expect(all.Rotations).toHaveLength(4);
    const [first, ...rotated] = all.Rotations as RotationsListEntry[];
    expect(first).toEqual({
      KeyId: original.KeyMetadata?.Arn,
      KeyMaterialId: original.KeyMetadata?.CurrentKeyMaterialId,
      KeyMaterialState: 'NON_CURRENT',
    });
    expect(rotated.map((r) => r.KeyMaterialState)).toEqual(['NON_CURRENT', 'NON_CURRENT', 'CURRENT']);
    expect(rotated.map((r) => r.KeyMaterialId)).toEqual(pages.flat().map((r) => r.KeyMaterialId));
    expect(rotated.every((r) => r.RotationDate instanceof Date && r.RotationType === 'ON_DEMAND')).toBe(true);
  });
});

describe('KeyMaterialId fields', () => {
  const fixture = useKmsServer();

  it('names the material that sealed, opened and re-sealed, consistent with rotations', async () => {
    // Arrange
    const { kms, createKey } = fixture;
    const keyId = await createKey();
    const destination = await createKey();
    const before = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    const old = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('old') }));

    // Act
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const after = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    const rotations = await kms.send(new ListKeyRotationsCommand({ KeyId: keyId }));
    const openedOld = await kms.send(new DecryptCommand({ CiphertextBlob: old.CiphertextBlob }));
    const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
    const bare = await kms.send(
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, NumberOfBytes: 16 }),
    );
    const moved = await kms.send(
      new ReEncryptCommand({ CiphertextBlob: old.CiphertextBlob, DestinationKeyId: destination }),
    );
    const destinationMeta = await kms.send(new DescribeKeyCommand({ KeyId: destination }));

    // Assert
    const first = before.KeyMetadata?.CurrentKeyMaterialId;
    const current = after.KeyMetadata?.CurrentKeyMaterialId;
    expect(first).toMatch(/^[0-9a-f]{32,64}$/);
    expect(current).toMatch(/^[0-9a-f]{32,64}$/);
    expect(current).not.toBe(first);
    expect(rotations.Rotations?.map((r) => r.KeyMaterialId)).toEqual([current]);
    expect(openedOld.KeyMaterialId).toBe(first);
    expect(dataKey.KeyMaterialId).toBe(current);
    expect(bare.KeyMaterialId).toBe(current);
    expect(moved.SourceKeyMaterialId).toBe(first);
    expect(moved.DestinationKeyMaterialId).toBe(destinationMeta.KeyMetadata?.CurrentKeyMaterialId);
  });

  it('leaves them out for asymmetric and HMAC keys, as the SDK model says', async () => {
    const { kms, createKey } = fixture;
    const rsa = await createKey('RSA_2048', 'ENCRYPT_DECRYPT');
    const hmac = await createKey('HMAC_256', 'GENERATE_VERIFY_MAC');
    const sealed = await kms.send(
      new EncryptCommand({ KeyId: rsa, Plaintext: text('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }),
    );
    const opened = await kms.send(
      new DecryptCommand({
        KeyId: rsa,
        CiphertextBlob: sealed.CiphertextBlob,
        EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
      }),
    );
    for (const KeyId of [rsa, hmac]) {
      const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId }));
      expect(KeyMetadata?.CurrentKeyMaterialId).toBeUndefined();
    }
    expect(opened.KeyMaterialId).toBeUndefined();
  });
});

describe('Class: KmsEmulatorServer', () => {
  const fixture = useKmsServer();

  describe('rotation', () => {
    it('enables rotation, reports it, and rotates on demand with old ciphertexts still decrypting', async () => {
      // Arrange
      const keyId = await fixture.createKey();
      const before = await fixture.kms.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: text('old'), EncryptionContext: { a: 'b' } }),
      );

      // Act
      await fixture.kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
      const status = await fixture.kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
      await fixture.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
      const after = await fixture.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('new') }));
      const rotations = await fixture.kms.send(new ListKeyRotationsCommand({ KeyId: keyId }));

      // Assert
      expect(status.KeyRotationEnabled).toBe(true);
      expect(status.RotationPeriodInDays).toBe(90);
      expect(rotations.Rotations).toHaveLength(1);
      const oldOpened = await fixture.kms.send(
        new DecryptCommand({ CiphertextBlob: before.CiphertextBlob, EncryptionContext: { a: 'b' } }),
      );
      expect(Buffer.from(oldOpened.Plaintext as Uint8Array).toString()).toBe('old');
      const newOpened = await fixture.kms.send(new DecryptCommand({ CiphertextBlob: after.CiphertextBlob }));
      expect(Buffer.from(newOpened.Plaintext as Uint8Array).toString()).toBe('new');
      // The material id (bytes 37..52) changed with the rotation.
      const materialOf = (blob: Uint8Array | undefined) =>
        Buffer.from(blob as Uint8Array)
          .subarray(37, 53)
          .toString('hex');
      expect(materialOf(after.CiphertextBlob)).not.toBe(materialOf(before.CiphertextBlob));
    });

    it('throws UnsupportedOperationException when rotating an asymmetric key', async () => {
      const keyId = await fixture.createKey('ECC_NIST_P256', 'SIGN_VERIFY');
      await expect(fixture.kms.send(new EnableKeyRotationCommand({ KeyId: keyId }))).rejects.toBeInstanceOf(
        UnsupportedOperationException,
      );
      await expect(fixture.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }))).rejects.toBeInstanceOf(
        UnsupportedOperationException,
      );
    });
  });
});
