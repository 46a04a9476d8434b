import { ACCOUNT_ID, encryptionAlgorithmsFor, signingAlgorithmsFor } from './constants';
import { KmsError } from './errors';
import { type Output, seconds } from './request';
import type { KmsStateStore } from './store';
import type { KeyMaterial, KeyRecord, KeyUsage, KmsState } from './types';

/**
 * The emulator's keys and aliases as the operations see them: resolving a key
 * id, key ARN, alias name or alias ARN, checking a key's state and usage, the
 * key's metadata, and saving the state after a change.
 */
export class KeyContext {
  public constructor(
    public readonly state: KmsState,
    private readonly store: KmsStateStore,
    public readonly region: string,
    public readonly account: string = ACCOUNT_ID,
  ) {}

  /** Resolves a key id, key ARN, alias name or alias ARN. */
  public resolve(param: unknown): KeyRecord {
    if (typeof param !== 'string' || param.length === 0 || param.length > 2048) {
      throw new KmsError('ValidationException', 'KeyId is required and must be a non-empty string');
    }
    let id = param;
    const arn = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/(.+)$/.exec(param);
    if (arn !== null) id = arn[1] === 'alias' ? `alias/${arn[2]}` : (arn[2] as string);
    if (id.startsWith('alias/')) {
      const alias = this.state.aliases[id];
      if (alias === undefined)
        throw new KmsError('NotFoundException', `Alias ${this.aliasArn(id)} is not found.`);
      id = alias.targetKeyId;
    }
    const key = this.state.keys[id];
    if (key === undefined) {
      if (!/^[0-9a-f-]{36}$/.test(id)) throw new KmsError('NotFoundException', `Invalid keyId '${param}'`);
      throw new KmsError('NotFoundException', `Key '${this.keyArn(id)}' does not exist`);
    }
    return key;
  }

  public resolveTarget(param: unknown): KeyRecord {
    if (typeof param === 'string' && (param.startsWith('alias/') || param.includes(':alias/'))) {
      throw new KmsError('ValidationException', 'TargetKeyId must name a key, not an alias');
    }
    return this.resolve(param);
  }

  public usable(key: KeyRecord): KeyRecord {
    if (key.state === 'Disabled') throw new KmsError('DisabledException', `${key.arn} is disabled.`);
    if (key.state === 'PendingDeletion') {
      throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    }
    return key;
  }

  /** For the operations that change a key's settings: any state but PendingDeletion. */
  public manageable(key: KeyRecord): KeyRecord {
    if (key.state === 'PendingDeletion') {
      throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    }
    return key;
  }

  public forUsage(key: KeyRecord, usage: KeyUsage, operation: string): KeyRecord {
    this.usable(key);
    if (key.keyUsage !== usage) {
      throw new KmsError(
        'InvalidKeyUsageException',
        `${key.arn} key usage is ${key.keyUsage} which is not valid for ${operation}.`,
      );
    }
    return key;
  }

  public metadata(key: KeyRecord): Output {
    const meta: Output = {
      AWSAccountId: this.account,
      KeyId: key.keyId,
      Arn: key.arn,
      CreationDate: seconds(key.createdAt),
      Enabled: key.state === 'Enabled',
      Description: key.description,
      KeyUsage: key.keyUsage,
      KeyState: key.state,
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      KeySpec: key.keySpec,
      CustomerMasterKeySpec: key.keySpec,
      MultiRegion: false,
    };
    if (key.deletionDate !== undefined) meta.DeletionDate = seconds(key.deletionDate);
    // The SDK model: present for symmetric encryption keys, the keys that rotate.
    if (key.keySpec === 'SYMMETRIC_DEFAULT') meta.CurrentKeyMaterialId = current(key).id;
    const encryption = key.keyUsage === 'ENCRYPT_DECRYPT' ? encryptionAlgorithmsFor(key.keySpec) : [];
    if (encryption.length > 0) meta.EncryptionAlgorithms = encryption;
    if (key.keyUsage === 'SIGN_VERIFY') meta.SigningAlgorithms = signingAlgorithmsFor(key.keySpec);
    if (key.keyUsage === 'GENERATE_VERIFY_MAC') meta.MacAlgorithms = ['HMAC_SHA_256'];
    return meta;
  }

  public keyArn(keyId: string): string {
    return `arn:aws:kms:${this.region}:${this.account}:key/${keyId}`;
  }

  public aliasArn(name: string): string {
    return `arn:aws:kms:${this.region}:${this.account}:${name}`;
  }

  public save(): void {
    this.store.save(this.state);
  }
}

/** The key's newest material: the one that encrypts, signs and MACs. */
export function current(key: KeyRecord): KeyMaterial {
  return key.materials[key.materials.length - 1] as KeyMaterial;
}
