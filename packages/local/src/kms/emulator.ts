import {
  createHmac,
  constants as cryptoConstants,
  type KeyObject,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  randomUUID,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import {
  ACCOUNT_ID,
  DEFAULT_REGION,
  encryptionAlgorithmsFor,
  KEY_USAGES_BY_SPEC,
  MAX_DATA_KEY_BYTES,
  MAX_ENCRYPT_PLAINTEXT_BYTES,
  MAX_MAC_MESSAGE_BYTES,
  MAX_RANDOM_BYTES,
  MAX_SIGN_MESSAGE_BYTES,
  RSA_ENCRYPTION_ALGORITHMS,
  RSA_MODULUS_BITS,
  SIGNING_ALGORITHMS,
  signingAlgorithmsFor,
} from './constants';
import { KmsError } from './errors';
import {
  newMaterial,
  openSymmetric,
  parseSymmetricBlob,
  privateKeyOf,
  publicKeyOf,
  sealSymmetric,
  secretOf,
} from './material';
import { type KmsStateStore, MemoryStateStore } from './store';
import type { KeyMaterial, KeyRecord, KeySpec, KeyUsage, KmsState } from './types';

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

const DAY_MS = 86_400_000;

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
  private readonly state: KmsState;
  private readonly store: KmsStateStore;
  public readonly region: string;

  private readonly operations: Record<string, (input: Input) => Output> = {
    CreateKey: (i) => this.createKey(i),
    DescribeKey: (i) => ({ KeyMetadata: this.metadata(this.resolve(i.KeyId)) }),
    ListKeys: (i) => this.listKeys(i),
    CreateAlias: (i) => this.createAlias(i),
    UpdateAlias: (i) => this.updateAlias(i),
    DeleteAlias: (i) => this.deleteAlias(i),
    ListAliases: (i) => this.listAliases(i),
    Encrypt: (i) => this.encrypt(i),
    Decrypt: (i) => this.decrypt(i),
    ReEncrypt: (i) => this.reEncrypt(i),
    GenerateDataKey: (i) => this.generateDataKey(i, true),
    GenerateDataKeyWithoutPlaintext: (i) => this.generateDataKey(i, false),
    GenerateRandom: (i) => this.generateRandom(i),
    Sign: (i) => this.sign(i),
    Verify: (i) => this.verify(i),
    GetPublicKey: (i) => this.getPublicKey(i),
    GenerateMac: (i) => this.generateMac(i),
    VerifyMac: (i) => this.verifyMac(i),
    EnableKey: (i) => this.setEnabled(i, true),
    DisableKey: (i) => this.setEnabled(i, false),
    EnableKeyRotation: (i) => this.setRotation(i, true),
    DisableKeyRotation: (i) => this.setRotation(i, false),
    GetKeyRotationStatus: (i) => this.getRotationStatus(i),
    RotateKeyOnDemand: (i) => this.rotateOnDemand(i),
    ListKeyRotations: (i) => this.listRotations(i),
    ScheduleKeyDeletion: (i) => this.scheduleDeletion(i),
    CancelKeyDeletion: (i) => this.cancelDeletion(i),
  };

  public constructor(options: KmsEmulatorOptions = {}) {
    this.store = options.store ?? new MemoryStateStore();
    this.region = options.region ?? DEFAULT_REGION;
    this.state = this.store.load();
  }

  public get operationNames(): string[] {
    return Object.keys(this.operations);
  }

  public handle(operation: string, input: Input): Output {
    const op = this.operations[operation];
    if (op === undefined) throw new KmsError('UnknownOperationException', `unknown operation ${operation}`);
    return op(input);
  }

  // ---- keys ---------------------------------------------------------------

  private createKey(input: Input): Output {
    const spec = (optionalString(input, 'KeySpec') ??
      optionalString(input, 'CustomerMasterKeySpec') ??
      'SYMMETRIC_DEFAULT') as KeySpec;
    const allowedUsages = KEY_USAGES_BY_SPEC[spec];
    if (allowedUsages === undefined) {
      throw new KmsError(
        'ValidationException',
        `KeySpec '${spec}' is not one of ${Object.keys(KEY_USAGES_BY_SPEC).join(', ')}`,
      );
    }
    const usage = (optionalString(input, 'KeyUsage') ?? 'ENCRYPT_DECRYPT') as KeyUsage;
    if (!allowedUsages.includes(usage)) {
      throw new KmsError('ValidationException', `KeyUsage '${usage}' is not valid for KeySpec '${spec}'`);
    }
    const description = optionalString(input, 'Description') ?? '';
    if (description.length > 8192)
      throw new KmsError('ValidationException', 'Description is over 8192 characters');
    const keyId = randomUUID();
    const key: KeyRecord = {
      keyId,
      arn: this.keyArn(keyId),
      createdAt: Date.now(),
      description,
      keySpec: spec,
      keyUsage: usage,
      state: 'Enabled',
      rotationEnabled: false,
      materials: [newMaterial(spec)],
    };
    this.state.keys[keyId] = key;
    this.save();
    return { KeyMetadata: this.metadata(key) };
  }

  private listKeys(input: Input): Output {
    const all = Object.values(this.state.keys).sort((a, b) => a.createdAt - b.createdAt);
    const { page, next } = paginate(all, input);
    return {
      Keys: page.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })),
      Truncated: next !== undefined,
      ...(next !== undefined ? { NextMarker: next } : {}),
    };
  }

  private setEnabled(input: Input, enabled: boolean): Output {
    const key = this.resolve(input.KeyId);
    if (key.state === 'PendingDeletion') {
      throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    }
    key.state = enabled ? 'Enabled' : 'Disabled';
    this.save();
    return {};
  }

  private scheduleDeletion(input: Input): Output {
    const key = this.resolve(input.KeyId);
    const days = optionalInteger(input, 'PendingWindowInDays') ?? 30;
    if (days < 7 || days > 30) {
      throw new KmsError('ValidationException', `PendingWindowInDays ${days} is not between 7 and 30`);
    }
    if (key.state === 'PendingDeletion') {
      throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    }
    key.state = 'PendingDeletion';
    key.deletionDate = Date.now() + days * DAY_MS;
    this.save();
    return {
      KeyId: key.arn,
      DeletionDate: seconds(key.deletionDate),
      KeyState: key.state,
      PendingWindowInDays: days,
    };
  }

  private cancelDeletion(input: Input): Output {
    const key = this.resolve(input.KeyId);
    if (key.state !== 'PendingDeletion') {
      throw new KmsError('KMSInvalidStateException', `${key.arn} is not pending deletion.`);
    }
    key.state = 'Disabled';
    delete key.deletionDate;
    this.save();
    return { KeyId: key.arn };
  }

  // ---- rotation -----------------------------------------------------------

  private setRotation(input: Input, enabled: boolean): Output {
    const key = this.usable(this.resolve(input.KeyId));
    if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
      throw new KmsError(
        'UnsupportedOperationException',
        `${key.arn} is a ${key.keySpec} key; only symmetric keys rotate`,
      );
    }
    if (enabled) {
      const period = optionalInteger(input, 'RotationPeriodInDays') ?? 365;
      if (period < 90 || period > 2560) {
        throw new KmsError(
          'ValidationException',
          `RotationPeriodInDays ${period} is not between 90 and 2560`,
        );
      }
      key.rotationPeriodInDays = period;
    }
    key.rotationEnabled = enabled;
    this.save();
    return {};
  }

  private getRotationStatus(input: Input): Output {
    const key = this.resolve(input.KeyId);
    const out: Output = { KeyId: key.arn, KeyRotationEnabled: key.rotationEnabled };
    if (key.rotationEnabled && key.rotationPeriodInDays !== undefined) {
      out.RotationPeriodInDays = key.rotationPeriodInDays;
      const from = key.lastRotatedAt ?? key.createdAt;
      out.NextRotationDate = seconds(from + key.rotationPeriodInDays * DAY_MS);
    }
    if (key.lastRotatedAt !== undefined) out.OnDemandRotationStartDate = seconds(key.lastRotatedAt);
    return out;
  }

  private rotateOnDemand(input: Input): Output {
    const key = this.usable(this.resolve(input.KeyId));
    if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
      throw new KmsError(
        'UnsupportedOperationException',
        `${key.arn} is a ${key.keySpec} key; only symmetric keys rotate`,
      );
    }
    key.materials.push(newMaterial(key.keySpec));
    key.lastRotatedAt = Date.now();
    this.save();
    return { KeyId: key.arn };
  }

  private listRotations(input: Input): Output {
    const key = this.resolve(input.KeyId);
    return {
      Rotations: key.materials.slice(1).map((m) => ({
        KeyId: key.arn,
        RotationDate: seconds(m.createdAt),
        RotationType: 'ON_DEMAND',
      })),
      Truncated: false,
    };
  }

  // ---- aliases ------------------------------------------------------------

  private createAlias(input: Input): Output {
    const name = validAliasName(requiredString(input, 'AliasName'));
    if (this.state.aliases[name] !== undefined) {
      throw new KmsError(
        'AlreadyExistsException',
        `An alias with the name ${this.aliasArn(name)} already exists`,
      );
    }
    const target = this.resolveTarget(input.TargetKeyId);
    this.state.aliases[name] = { aliasName: name, targetKeyId: target.keyId, createdAt: Date.now() };
    this.save();
    return {};
  }

  private updateAlias(input: Input): Output {
    const name = requiredString(input, 'AliasName');
    const alias = this.state.aliases[name];
    if (alias === undefined)
      throw new KmsError('NotFoundException', `Alias ${this.aliasArn(name)} is not found.`);
    alias.targetKeyId = this.resolveTarget(input.TargetKeyId).keyId;
    this.save();
    return {};
  }

  private deleteAlias(input: Input): Output {
    const name = requiredString(input, 'AliasName');
    if (this.state.aliases[name] === undefined) {
      throw new KmsError('NotFoundException', `Alias ${this.aliasArn(name)} is not found.`);
    }
    delete this.state.aliases[name];
    this.save();
    return {};
  }

  private listAliases(input: Input): Output {
    const filter = input.KeyId === undefined ? undefined : this.resolve(input.KeyId).keyId;
    const all = Object.values(this.state.aliases)
      .filter((a) => filter === undefined || a.targetKeyId === filter)
      .sort((a, b) => (a.aliasName < b.aliasName ? -1 : 1));
    const { page, next } = paginate(all, input);
    return {
      Aliases: page.map((a) => ({
        AliasName: a.aliasName,
        AliasArn: this.aliasArn(a.aliasName),
        TargetKeyId: a.targetKeyId,
        CreationDate: seconds(a.createdAt),
      })),
      Truncated: next !== undefined,
      ...(next !== undefined ? { NextMarker: next } : {}),
    };
  }

  // ---- encryption ---------------------------------------------------------

  private encrypt(input: Input): Output {
    const key = this.forUsage(this.resolve(input.KeyId), 'ENCRYPT_DECRYPT', 'Encrypt');
    const plaintext = requiredBlob(input, 'Plaintext');
    if (plaintext.length > MAX_ENCRYPT_PLAINTEXT_BYTES) {
      throw new KmsError(
        'ValidationException',
        `1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENCRYPT_PLAINTEXT_BYTES}`,
      );
    }
    const algorithm = optionalString(input, 'EncryptionAlgorithm') ?? 'SYMMETRIC_DEFAULT';
    const context = optionalContext(input, 'EncryptionContext');
    return {
      CiphertextBlob: this.seal(key, plaintext, algorithm, context).toString('base64'),
      KeyId: key.arn,
      EncryptionAlgorithm: algorithm,
    };
  }

  private decrypt(input: Input): Output {
    const blob = requiredBlob(input, 'CiphertextBlob');
    const algorithm = optionalString(input, 'EncryptionAlgorithm') ?? 'SYMMETRIC_DEFAULT';
    const context = optionalContext(input, 'EncryptionContext');
    const { key, plaintext } = this.open(blob, input.KeyId, algorithm, context);
    return { Plaintext: plaintext.toString('base64'), KeyId: key.arn, EncryptionAlgorithm: algorithm };
  }

  private reEncrypt(input: Input): Output {
    const blob = requiredBlob(input, 'CiphertextBlob');
    const sourceAlgorithm = optionalString(input, 'SourceEncryptionAlgorithm') ?? 'SYMMETRIC_DEFAULT';
    const destinationAlgorithm =
      optionalString(input, 'DestinationEncryptionAlgorithm') ?? 'SYMMETRIC_DEFAULT';
    const destination = this.forUsage(this.resolve(input.DestinationKeyId), 'ENCRYPT_DECRYPT', 'ReEncrypt');
    const { key: source, plaintext } = this.open(
      blob,
      input.SourceKeyId,
      sourceAlgorithm,
      optionalContext(input, 'SourceEncryptionContext'),
    );
    try {
      const sealed = this.seal(
        destination,
        plaintext,
        destinationAlgorithm,
        optionalContext(input, 'DestinationEncryptionContext'),
      );
      return {
        CiphertextBlob: sealed.toString('base64'),
        SourceKeyId: source.arn,
        KeyId: destination.arn,
        SourceEncryptionAlgorithm: sourceAlgorithm,
        DestinationEncryptionAlgorithm: destinationAlgorithm,
      };
    } finally {
      plaintext.fill(0);
    }
  }

  private generateDataKey(input: Input, withPlaintext: boolean): Output {
    const operation = withPlaintext ? 'GenerateDataKey' : 'GenerateDataKeyWithoutPlaintext';
    const key = this.forUsage(this.resolve(input.KeyId), 'ENCRYPT_DECRYPT', operation);
    if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
      throw new KmsError(
        'InvalidKeyUsageException',
        `${key.arn} is not a symmetric key; ${operation} needs one`,
      );
    }
    const spec = optionalString(input, 'KeySpec');
    const count = optionalInteger(input, 'NumberOfBytes');
    if ((spec === undefined) === (count === undefined)) {
      throw new KmsError('ValidationException', 'exactly one of KeySpec and NumberOfBytes is required');
    }
    let length: number;
    if (spec !== undefined) {
      if (spec !== 'AES_256' && spec !== 'AES_128') {
        throw new KmsError('ValidationException', `KeySpec '${spec}' is not AES_256 or AES_128`);
      }
      length = spec === 'AES_256' ? 32 : 16;
    } else {
      length = count as number;
      if (length < 1 || length > MAX_DATA_KEY_BYTES) {
        throw new KmsError(
          'ValidationException',
          `NumberOfBytes ${length} is not between 1 and ${MAX_DATA_KEY_BYTES}`,
        );
      }
    }
    const plaintext = randomBytes(length);
    const context = optionalContext(input, 'EncryptionContext');
    const blob = sealSymmetric(key.keyId, current(key), plaintext, context);
    const out: Output = { CiphertextBlob: blob.toString('base64'), KeyId: key.arn };
    if (withPlaintext) out.Plaintext = plaintext.toString('base64');
    plaintext.fill(0);
    return out;
  }

  private generateRandom(input: Input): Output {
    const count = optionalInteger(input, 'NumberOfBytes');
    if (count === undefined || count < 1 || count > MAX_RANDOM_BYTES) {
      throw new KmsError(
        'ValidationException',
        `NumberOfBytes ${count} is not between 1 and ${MAX_RANDOM_BYTES}`,
      );
    }
    return { Plaintext: randomBytes(count).toString('base64') };
  }

  // ---- signatures and MACs ------------------------------------------------

  private sign(input: Input): Output {
    const key = this.forUsage(this.resolve(input.KeyId), 'SIGN_VERIFY', 'Sign');
    const { message, algorithm, digest } = this.signingInput(key, input);
    const signature = sign(digest, message, signatureKey(algorithm, privateKeyOf(current(key))));
    return { KeyId: key.arn, Signature: signature.toString('base64'), SigningAlgorithm: algorithm };
  }

  private verify(input: Input): Output {
    const key = this.forUsage(this.resolve(input.KeyId), 'SIGN_VERIFY', 'Verify');
    const { message, algorithm, digest } = this.signingInput(key, input);
    const signature = requiredBlob(input, 'Signature');
    let valid = false;
    try {
      valid = verify(digest, message, signatureKey(algorithm, publicKeyOf(current(key))), signature);
    } catch {
      valid = false;
    }
    if (!valid) throw new KmsError('KMSInvalidSignatureException', 'the signature is not valid');
    return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: algorithm };
  }

  private signingInput(key: KeyRecord, input: Input): { message: Buffer; algorithm: string; digest: string } {
    const message = requiredBlob(input, 'Message');
    if (message.length > MAX_SIGN_MESSAGE_BYTES) {
      throw new KmsError('ValidationException', `Message is over ${MAX_SIGN_MESSAGE_BYTES} bytes`);
    }
    const messageType = optionalString(input, 'MessageType') ?? 'RAW';
    if (messageType !== 'RAW') {
      // node:crypto cannot sign a precomputed digest for ECDSA or PSS, so the
      // emulator does not pretend to: callers send RAW messages.
      throw new KmsError(
        'UnsupportedOperationException',
        `MessageType '${messageType}' is not emulated; use RAW`,
      );
    }
    const algorithm = requiredString(input, 'SigningAlgorithm');
    if (!signingAlgorithmsFor(key.keySpec).includes(algorithm)) {
      throw new KmsError(
        'InvalidKeyUsageException',
        `SigningAlgorithm '${algorithm}' is not valid for ${key.keySpec}; use one of ${signingAlgorithmsFor(key.keySpec).join(', ')}`,
      );
    }
    return { message, algorithm, digest: (SIGNING_ALGORITHMS[algorithm] as { digest: string }).digest };
  }

  private getPublicKey(input: Input): Output {
    const key = this.resolve(input.KeyId);
    if (key.state === 'Disabled') throw new KmsError('DisabledException', `${key.arn} is disabled.`);
    if (key.state === 'PendingDeletion') {
      throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    }
    if (key.keySpec === 'SYMMETRIC_DEFAULT' || key.keySpec === 'HMAC_256') {
      throw new KmsError(
        'UnsupportedOperationException',
        `${key.arn} is a ${key.keySpec} key and has no public key`,
      );
    }
    const der = publicKeyOf(current(key)).export({ type: 'spki', format: 'der' });
    const out: Output = {
      KeyId: key.arn,
      PublicKey: der.toString('base64'),
      KeySpec: key.keySpec,
      CustomerMasterKeySpec: key.keySpec,
      KeyUsage: key.keyUsage,
    };
    if (key.keyUsage === 'SIGN_VERIFY') out.SigningAlgorithms = signingAlgorithmsFor(key.keySpec);
    else out.EncryptionAlgorithms = encryptionAlgorithmsFor(key.keySpec);
    return out;
  }

  private generateMac(input: Input): Output {
    const key = this.forUsage(this.resolve(input.KeyId), 'GENERATE_VERIFY_MAC', 'GenerateMac');
    const { message, algorithm } = this.macInput(input);
    const mac = createHmac('sha256', secretOf(current(key)))
      .update(message)
      .digest();
    return { KeyId: key.arn, Mac: mac.toString('base64'), MacAlgorithm: algorithm };
  }

  private verifyMac(input: Input): Output {
    const key = this.forUsage(this.resolve(input.KeyId), 'GENERATE_VERIFY_MAC', 'VerifyMac');
    const { message, algorithm } = this.macInput(input);
    const given = requiredBlob(input, 'Mac');
    const expected = createHmac('sha256', secretOf(current(key)))
      .update(message)
      .digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new KmsError('KMSInvalidMacException', 'the MAC is not valid');
    }
    return { KeyId: key.arn, MacValid: true, MacAlgorithm: algorithm };
  }

  private macInput(input: Input): { message: Buffer; algorithm: string } {
    const message = requiredBlob(input, 'Message');
    if (message.length > MAX_MAC_MESSAGE_BYTES) {
      throw new KmsError('ValidationException', `Message is over ${MAX_MAC_MESSAGE_BYTES} bytes`);
    }
    const algorithm = requiredString(input, 'MacAlgorithm');
    if (algorithm !== 'HMAC_SHA_256') {
      throw new KmsError('InvalidKeyUsageException', `MacAlgorithm '${algorithm}' is not valid for HMAC_256`);
    }
    return { message, algorithm };
  }

  // ---- helpers ------------------------------------------------------------

  private seal(
    key: KeyRecord,
    plaintext: Buffer,
    algorithm: string,
    context: Record<string, string> | undefined,
  ): Buffer {
    if (key.keySpec === 'SYMMETRIC_DEFAULT') {
      if (algorithm !== 'SYMMETRIC_DEFAULT') {
        throw new KmsError(
          'InvalidKeyUsageException',
          `EncryptionAlgorithm '${algorithm}' is not valid for ${key.keySpec}`,
        );
      }
      return sealSymmetric(key.keyId, current(key), plaintext, context);
    }
    const hash = RSA_ENCRYPTION_ALGORITHMS[algorithm];
    if (hash === undefined) {
      throw new KmsError(
        'InvalidKeyUsageException',
        `EncryptionAlgorithm '${algorithm}' is not valid for ${key.keySpec}`,
      );
    }
    if (context !== undefined && Object.keys(context).length > 0) {
      throw new KmsError('ValidationException', 'EncryptionContext is not supported with asymmetric keys');
    }
    const modulusBytes = (RSA_MODULUS_BITS[key.keySpec] as number) / 8;
    const hashBytes = hash === 'sha1' ? 20 : 32;
    const max = modulusBytes - 2 * hashBytes - 2;
    if (plaintext.length > max) {
      throw new KmsError(
        'ValidationException',
        `Plaintext is over ${max} bytes, the limit of ${algorithm} on ${key.keySpec}`,
      );
    }
    return publicEncrypt(
      { key: publicKeyOf(current(key)), padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash },
      plaintext,
    );
  }

  private open(
    blob: Buffer,
    keyIdParam: unknown,
    algorithm: string,
    context: Record<string, string> | undefined,
  ): { key: KeyRecord; plaintext: Buffer } {
    const named = keyIdParam === undefined ? undefined : this.resolve(keyIdParam);
    if (named !== undefined && named.keySpec !== 'SYMMETRIC_DEFAULT') {
      const key = this.forUsage(named, 'ENCRYPT_DECRYPT', 'Decrypt');
      const hash = RSA_ENCRYPTION_ALGORITHMS[algorithm];
      if (hash === undefined) {
        throw new KmsError(
          'InvalidKeyUsageException',
          `EncryptionAlgorithm '${algorithm}' is not valid for ${key.keySpec}`,
        );
      }
      try {
        const plaintext = privateDecrypt(
          {
            key: privateKeyOf(current(key)),
            padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING,
            oaepHash: hash,
          },
          blob,
        );
        return { key, plaintext };
      } catch {
        throw new KmsError(
          'InvalidCiphertextException',
          'the ciphertext is invalid for this key and algorithm',
        );
      }
    }
    const parsed = parseSymmetricBlob(blob);
    if (parsed === undefined) {
      throw new KmsError(
        'InvalidCiphertextException',
        'the ciphertext is not a KMS symmetric ciphertext blob',
      );
    }
    if (algorithm !== 'SYMMETRIC_DEFAULT') {
      throw new KmsError(
        'InvalidKeyUsageException',
        `EncryptionAlgorithm '${algorithm}' is not valid for a symmetric ciphertext`,
      );
    }
    const owner = this.state.keys[parsed.keyId];
    if (owner === undefined)
      throw new KmsError('InvalidCiphertextException', 'the ciphertext names no known key');
    if (named !== undefined && named.keyId !== owner.keyId) {
      throw new KmsError(
        'IncorrectKeyException',
        'the key ID in the request does not identify the key that encrypted the ciphertext',
      );
    }
    const key = this.forUsage(owner, 'ENCRYPT_DECRYPT', 'Decrypt');
    const material = key.materials.find((m) => m.id === parsed.materialId);
    if (material === undefined)
      throw new KmsError('InvalidCiphertextException', 'the ciphertext names unknown key material');
    return { key, plaintext: openSymmetric(parsed, material, context) };
  }

  /** Resolves a key id, key ARN, alias name or alias ARN. */
  private resolve(param: unknown): KeyRecord {
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

  private resolveTarget(param: unknown): KeyRecord {
    if (typeof param === 'string' && (param.startsWith('alias/') || param.includes(':alias/'))) {
      throw new KmsError('ValidationException', 'TargetKeyId must name a key, not an alias');
    }
    return this.resolve(param);
  }

  private usable(key: KeyRecord): KeyRecord {
    if (key.state === 'Disabled') throw new KmsError('DisabledException', `${key.arn} is disabled.`);
    if (key.state === 'PendingDeletion') {
      throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    }
    return key;
  }

  private forUsage(key: KeyRecord, usage: KeyUsage, operation: string): KeyRecord {
    this.usable(key);
    if (key.keyUsage !== usage) {
      throw new KmsError(
        'InvalidKeyUsageException',
        `${key.arn} key usage is ${key.keyUsage} which is not valid for ${operation}.`,
      );
    }
    return key;
  }

  private metadata(key: KeyRecord): Output {
    const meta: Output = {
      AWSAccountId: ACCOUNT_ID,
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
    const encryption = key.keyUsage === 'ENCRYPT_DECRYPT' ? encryptionAlgorithmsFor(key.keySpec) : [];
    if (encryption.length > 0) meta.EncryptionAlgorithms = encryption;
    if (key.keyUsage === 'SIGN_VERIFY') meta.SigningAlgorithms = signingAlgorithmsFor(key.keySpec);
    if (key.keyUsage === 'GENERATE_VERIFY_MAC') meta.MacAlgorithms = ['HMAC_SHA_256'];
    return meta;
  }

  private keyArn(keyId: string): string {
    return `arn:aws:kms:${this.region}:${ACCOUNT_ID}:key/${keyId}`;
  }

  private aliasArn(name: string): string {
    return `arn:aws:kms:${this.region}:${ACCOUNT_ID}:${name}`;
  }

  private save(): void {
    this.store.save(this.state);
  }
}

function current(key: KeyRecord): KeyMaterial {
  return key.materials[key.materials.length - 1] as KeyMaterial;
}

function signatureKey(algorithm: string, keyObject: KeyObject) {
  const spec = SIGNING_ALGORITHMS[algorithm];
  if (spec?.pss === true) {
    return {
      key: keyObject,
      padding: cryptoConstants.RSA_PKCS1_PSS_PADDING,
      saltLength: cryptoConstants.RSA_PSS_SALTLEN_DIGEST,
    };
  }
  if (spec?.family === 'rsa') return { key: keyObject, padding: cryptoConstants.RSA_PKCS1_PADDING };
  // ECDSA: KMS returns DER-encoded signatures, node's default.
  return { key: keyObject, dsaEncoding: 'der' as const };
}

function seconds(ms: number): number {
  return ms / 1000;
}

function validAliasName(name: string): string {
  if (!/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(name)) {
    throw new KmsError(
      'ValidationException',
      `AliasName '${name}' must be alias/ followed by letters, digits, /, _ or -`,
    );
  }
  if (name.startsWith('alias/aws/')) {
    throw new KmsError('InvalidAliasNameException', `AliasName '${name}' is reserved for AWS managed keys`);
  }
  return name;
}

function requiredString(input: Input, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new KmsError('ValidationException', `${field} is required and must be a non-empty string`);
  }
  return value;
}

function optionalString(input: Input, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new KmsError('ValidationException', `${field} must be a string`);
  return value;
}

function optionalInteger(input: Input, field: string): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new KmsError('ValidationException', `${field} must be an integer`);
  }
  return value;
}

function requiredBlob(input: Input, field: string): Buffer {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new KmsError('ValidationException', `${field} is required`);
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value))
    throw new KmsError('SerializationException', `${field} is not base64`);
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length === 0) throw new KmsError('ValidationException', `${field} must not be empty`);
  return bytes;
}

function optionalContext(input: Input, field: string): Record<string, string> | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new KmsError('ValidationException', `${field} must be a map of strings`);
  }
  for (const v of Object.values(value)) {
    if (typeof v !== 'string') throw new KmsError('ValidationException', `${field} values must be strings`);
  }
  return value as Record<string, string>;
}

function paginate<T>(all: readonly T[], input: Input): { page: T[]; next?: string } {
  const limit = optionalInteger(input, 'Limit') ?? 100;
  if (limit < 1 || limit > 1000)
    throw new KmsError('ValidationException', `Limit ${limit} is not between 1 and 1000`);
  const marker = optionalString(input, 'Marker');
  let start = 0;
  if (marker !== undefined) {
    start = Number.parseInt(Buffer.from(marker, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(start) || start < 0 || start > all.length) {
      throw new KmsError('InvalidMarkerException', 'Marker is not one this service returned');
    }
  }
  const page = all.slice(start, start + limit);
  const end = start + page.length;
  return end < all.length ? { page, next: Buffer.from(String(end)).toString('base64url') } : { page };
}
