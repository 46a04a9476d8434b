import { createAlias, deleteAlias, listAliases, updateAlias } from './aliases';
import { DEFAULT_REGION } from './constants';
import { generateDataKey, generateRandom } from './data-keys';
import { decrypt, encrypt, reEncrypt } from './encryption';
import { KmsError } from './errors';
import { KeyContext } from './key-context';
import {
  cancelDeletion,
  createKey,
  listKeys,
  scheduleDeletion,
  setEnabled,
  updateKeyDescription,
} from './keys';
import { generateMac, verifyMac } from './mac';
import type { Input, Output } from './request';
import { getRotationStatus, listRotations, rotateOnDemand, setRotation } from './rotation';
import { getPublicKey, sign, verify } from './signing';
import { type KmsStateStore, MemoryStateStore } from './store';
import { listResourceTags, tagResource, untagResource } from './tags';

export interface KmsEmulatorOptions {
  /** @default in memory */
  readonly store?: KmsStateStore;
  /** @default 'us-east-1' */
  readonly region?: string;
}

/**
 * The KMS operations, on real node:crypto cryptography. Transport-free: the
 * HTTP server in `server.ts` speaks the JSON 1.1 protocol in front of it.
 *
 * Written by hand because no maintained npm package emulates KMS with
 * asymmetric keys, HMAC keys and on-demand rotation (local-kms is a Go binary
 * that is not on npm).
 */
export class KmsEmulator {
  private readonly keys: KeyContext;
  public readonly region: string;

  private readonly operations: Record<string, (input: Input) => Output> = {
    CreateKey: (i) => createKey(this.keys, i),
    DescribeKey: (i) => ({ KeyMetadata: this.keys.metadata(this.keys.resolve(i.KeyId)) }),
    ListKeys: (i) => listKeys(this.keys, i),
    CreateAlias: (i) => createAlias(this.keys, i),
    UpdateAlias: (i) => updateAlias(this.keys, i),
    DeleteAlias: (i) => deleteAlias(this.keys, i),
    ListAliases: (i) => listAliases(this.keys, i),
    Encrypt: (i) => encrypt(this.keys, i),
    Decrypt: (i) => decrypt(this.keys, i),
    ReEncrypt: (i) => reEncrypt(this.keys, i),
    GenerateDataKey: (i) => generateDataKey(this.keys, i, true),
    GenerateDataKeyWithoutPlaintext: (i) => generateDataKey(this.keys, i, false),
    GenerateRandom: (i) => generateRandom(i),
    Sign: (i) => sign(this.keys, i),
    Verify: (i) => verify(this.keys, i),
    GetPublicKey: (i) => getPublicKey(this.keys, i),
    GenerateMac: (i) => generateMac(this.keys, i),
    VerifyMac: (i) => verifyMac(this.keys, i),
    EnableKey: (i) => setEnabled(this.keys, i, true),
    DisableKey: (i) => setEnabled(this.keys, i, false),
    EnableKeyRotation: (i) => setRotation(this.keys, i, true),
    DisableKeyRotation: (i) => setRotation(this.keys, i, false),
    GetKeyRotationStatus: (i) => getRotationStatus(this.keys, i),
    RotateKeyOnDemand: (i) => rotateOnDemand(this.keys, i),
    ListKeyRotations: (i) => listRotations(this.keys, i),
    ScheduleKeyDeletion: (i) => scheduleDeletion(this.keys, i),
    CancelKeyDeletion: (i) => cancelDeletion(this.keys, i),
    UpdateKeyDescription: (i) => updateKeyDescription(this.keys, i),
    TagResource: (i) => tagResource(this.keys, i),
    UntagResource: (i) => untagResource(this.keys, i),
    ListResourceTags: (i) => listResourceTags(this.keys, i),
  };

  public constructor(options: KmsEmulatorOptions = {}) {
    const store = options.store ?? new MemoryStateStore();
    this.region = options.region ?? DEFAULT_REGION;
    this.keys = new KeyContext(store.load(), store, this.region);
  }

  public get operationNames(): string[] {
    return Object.keys(this.operations);
  }

  public handle(operation: string, input: Input): Output {
    const op = this.operations[operation];
    if (op === undefined) throw new KmsError('UnknownOperationException', `unknown operation ${operation}`);
    return op(input);
  }
}
