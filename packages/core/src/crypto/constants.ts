/**
 * The one algorithm suite: item key by HKDF-SHA256 over the user key,
 * AES-256-GCM per attribute, HMAC-SHA256 item signature.
 */
export const SUITE_ID = 'kmsvault/1';

/** Attribute names the item encryptor reserves. */
export const MATERIAL_ATTRIBUTE = '_md';
export const SIGNATURE_ATTRIBUTE = '_sig';

export const USER_KEY_BYTES = 32;
export const ITEM_SALT_BYTES = 16;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const SIGNATURE_BYTES = 32;

/** Encryption context of a wrapped user key under the vault key. */
export const USER_KEY_PURPOSE = 'user-key';

export const DEFAULT_BEACON_BITS = 16;
export const DEFAULT_CACHE_MAX_AGE_MS = 5 * 60 * 1000;
export const DEFAULT_CACHE_MAX_ENTRIES = 1000;
