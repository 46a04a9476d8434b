import type { LocalIam } from '../iam/types';
import { createAlias, deleteAlias, listAliases, updateAlias } from './aliases';
import { authorizeCall, type KmsCall } from './authorize';
import { ACCOUNT_ID, DEFAULT_REGION } from './constants';
import { generateDataKey, generateRandom } from './data-keys';
import { decrypt, encrypt, reEncrypt } from './encryption';
import { KmsError } from './errors';
import { KeyContext } from './key-context';
import { checkKeyPolicy, defaultKeyPolicy, getKeyPolicy, listKeyPolicies, putKeyPolicy } from './key-policy';
import {
  cancelDeletion,
  createKey,
  listKeys,
  scheduleDeletion,
  setEnabled,
  updateKeyDescription,
} from './keys';
import { generateMac, verifyMac } from './mac';
import { type Input, type Output, optionalString } from './request';
import { getRotationStatus, listRotations, rotateOnDemand, setRotation } from './rotation';
import { getPublicKey, sign, verify } from './signing';
import { type KmsStateStore, MemoryStateStore } from './store';
import { listResourceTags, tagResource, untagResource } from './tags';

export interface KmsEmulatorOptions {
  /** @default in memory */
  readonly store?: KmsStateStore;
  /** @default 'us-east-1' */
  readonly region?: string;
  /**
   * The account keys belong to (their ARNs, the default key policy's root).
   * @default '111122223333'
   */
  readonly account?: string;
  /**
   * The local IAM: when given, every call is authorized before it runs (key
   * policy + identity policies), and new key policies pass KMS's safety
   * checks. Without it every call is allowed.
   * @default none
   */
  readonly iam?: LocalIam;
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
  private readonly iam: LocalIam | undefined;
  public readonly region: string;
  public readonly account: string;

  private readonly operations: Record<string, (input: Input, call: KmsCall) => Output> = {
    CreateKey: (i, call) => createKey(this.keys, i, this.newKeyPolicy(i, call)),
    GetKeyPolicy: (i) => getKeyPolicy(this.keys, i),
    PutKeyPolicy: (i, call) =>
      putKeyPolicy(
        this.keys,
        i,
        this.iam !== undefined ? { iam: this.iam, caller: call.principal } : undefined,
      ),
    ListKeyPolicies: (i) => listKeyPolicies(this.keys, i),
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
    this.account = options.account ?? ACCOUNT_ID;
    this.iam = options.iam;
    this.keys = new KeyContext(store.load(), store, this.region, this.account);
  }

  public get operationNames(): string[] {
    return Object.keys(this.operations);
  }

  /**
   * Runs one operation. With an IAM, the call is authorized first: `call`
   * names the verified caller (none: denied) and, for in-process callers
   * such as the DynamoDB proxy, the service acting for it (`kms:ViaService`).
   *
   * @throws KmsError as KMS would answer, AccessDeniedException included
   */
  public handle(operation: string, input: Input, call: KmsCall = {}): Output {
    const op = this.operations[operation];
    if (op === undefined) throw new KmsError('UnknownOperationException', `unknown operation ${operation}`);
    if (this.iam !== undefined) authorizeCall(this.keys, this.iam, operation, input, call);
    return op(input, call);
  }

  /** CreateKey's policy: the one given, checked as KMS does, or KMS's default policy. */
  private newKeyPolicy(input: Input, call: KmsCall): string {
    const text = optionalString(input, 'Policy');
    if (text === undefined) return defaultKeyPolicy(this.account);
    // The key does not exist yet: the lockout check evaluates the policy for a key ARN of this account.
    const provisionalArn = this.keys.keyArn('00000000-0000-0000-0000-000000000000');
    const bypass = input.BypassPolicyLockoutSafetyCheck === true;
    return checkKeyPolicy(
      text,
      provisionalArn,
      bypass,
      this.iam !== undefined ? { iam: this.iam, caller: call.principal } : undefined,
    );
  }
}
