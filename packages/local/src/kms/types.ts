export type KeySpec =
  | 'SYMMETRIC_DEFAULT'
  | 'RSA_2048'
  | 'RSA_3072'
  | 'RSA_4096'
  | 'ECC_NIST_P256'
  | 'ECC_NIST_P384'
  | 'HMAC_256';

export type KeyUsage = 'ENCRYPT_DECRYPT' | 'SIGN_VERIFY' | 'GENERATE_VERIFY_MAC';

export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

/** One generation of key material. Symmetric keys gain one per rotation. */
export interface KeyMaterial {
  /** 16 random bytes, hex; ciphertext blobs name it so old material still decrypts. */
  readonly id: string;
  readonly createdAt: number;
  /** Symmetric and HMAC keys: the secret, base64. */
  readonly secret?: string;
  /** Asymmetric keys: PKCS#8 PEM private key. */
  readonly privateKeyPem?: string;
  /**
   * How a rotation brought it; absent for the key's first material. (State
   * written before this field existed has no type on later materials: they
   * came from on-demand rotations, the only kind the emulator performs.)
   */
  readonly rotationType?: RotationType;
}

export type RotationType = 'AUTOMATIC' | 'ON_DEMAND';

export interface TagRecord {
  readonly key: string;
  readonly value: string;
}

export interface KeyRecord {
  readonly keyId: string;
  readonly arn: string;
  readonly createdAt: number;
  description: string;
  readonly keySpec: KeySpec;
  readonly keyUsage: KeyUsage;
  state: KeyState;
  deletionDate?: number;
  rotationEnabled: boolean;
  rotationPeriodInDays?: number;
  /** When automatic rotation was last enabled: the next rotation is a period after it. */
  rotationScheduledFrom?: number;
  /** In the order they were first set. */
  tags?: TagRecord[];
  /** Oldest first; the last one encrypts. */
  materials: KeyMaterial[];
  /** The key policy's JSON text, as given; absent on keys stored before policies were kept (the default policy). */
  policy?: string;
}

export interface AliasRecord {
  readonly aliasName: string;
  targetKeyId: string;
  readonly createdAt: number;
}

export interface KmsState {
  keys: Record<string, KeyRecord>;
  aliases: Record<string, AliasRecord>;
}

export type FaultMode = 'unavailable' | 'throttle' | 'latency';

export interface Fault {
  readonly operations?: readonly string[];
  readonly mode: FaultMode;
  readonly latencyMs: number;
  /** Matching calls left; undefined means until cleared. */
  remaining?: number;
}
