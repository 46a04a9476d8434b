export {
  Beacon,
  type BeaconOptions,
  beaconBitsFor,
  DEFAULT_EXPECTED_DISTINCT_VALUES,
  hostNormaliser,
  LEGACY_BEACON_BITS,
  type Normaliser,
  textNormaliser,
} from './beacons';
export * from './constants';
export { IntegrityError, SchemaError } from './errors';
export {
  AttributeAction,
  type EntitySchema,
  type Item,
  ItemEncryptor,
  type UserKey,
  type UserKeyProvider,
} from './item-encryptor';
export {
  type AccessTokenVerifierOptions,
  accessTokenVerifier,
  buildJwks,
  derToJose,
  KmsJwsSigner,
  type KmsJwsSignerOptions,
  type PublicJwk,
  publicJwkOf,
} from './jws';
export { KeyCache, type KeyCacheOptions } from './key-cache';
export { UserKeyring, type UserKeyringOptions, type WrappedUserKey } from './keyring';
export { needs, PreconditionError } from './needs';
export {
  DEFAULT_SCRYPT,
  PASSWORD_RECORD_FORMAT,
  PasswordHasher,
  type PasswordHasherOptions,
  type PasswordRecord,
  type PasswordStrategyName,
  type PasswordVerdict,
  type RecordKeyLender,
  type ScryptParams,
} from './passwords';
export { type CustomType, decodeValue, encodeValue, type VaultValue } from './values';
