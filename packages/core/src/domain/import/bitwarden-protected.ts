/**
 * Bitwarden's password-protected JSON export, read and written as Bitwarden
 * does (bitwarden/clients: BaseVaultExportService.buildPasswordExport,
 * PinService.makePinKey, KeyGenerationService.deriveKeyFromPassword and
 * stretchKey): the key is PBKDF2-SHA256 (kdfType 0) or Argon2id (kdfType 1,
 * over SHA-256 of the salt) of the password with the file's salt, stretched
 * by HKDF-Expand into an AES-256 key ("enc") and an HMAC-SHA256 key ("mac");
 * `encKeyValidation_DO_NOT_EDIT` and `data` are type-2 EncStrings
 * (`2.iv|ciphertext|mac`, AES-256-CBC, MAC over iv‖ciphertext).
 *
 * WebCrypto only (and hash-wasm for Argon2id): no Node modules, so the CLI,
 * the web vault and the API share it. Nothing here ever quotes the file.
 */
import { argon2id } from 'hash-wasm/dist/argon2.umd.min.js';

export interface KdfSettings {
  /** 0: PBKDF2-SHA256; 1: Argon2id. */
  readonly kdfType: 0 | 1;
  readonly kdfIterations: number;
  /** Argon2id: MiB. */
  readonly kdfMemory?: number;
  readonly kdfParallelism?: number;
}

/** Bitwarden's default for new exports: PBKDF2-SHA256, 600,000 iterations. */
export const DEFAULT_EXPORT_KDF: KdfSettings = { kdfType: 0, kdfIterations: 600_000 };

/** Why a protected export could not be opened: a message for the person, quoting nothing of the file. */
export class ProtectedExportError extends Error {
  public constructor(
    public readonly reason: 'password_needed' | 'wrong_password' | 'malformed' | 'account_encrypted',
    message: string,
  ) {
    super(message);
    this.name = 'ProtectedExportError';
  }
}

interface Envelope extends KdfSettings {
  readonly salt: string;
  readonly encKeyValidation_DO_NOT_EDIT: string;
  readonly data: string;
}

const subtle = () => globalThis.crypto.subtle;
const utf8 = (text: string) => new TextEncoder().encode(text);
const fromB64 = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
/** Base64 of bytes, in chunks: a spread of a large export's bytes would overflow the call stack. */
function toB64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** What a JSON text is: Bitwarden's password-protected export, its account-encrypted one, or neither. */
export function protectionOf(text: string): 'password' | 'account' | undefined {
  if (!/^\s*\{/.test(text) || !/"encrypted"\s*:\s*true/.test(text)) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || (doc as { encrypted?: unknown }).encrypted !== true)
    return undefined;
  return (doc as { passwordProtected?: unknown }).passwordProtected === true ? 'password' : 'account';
}

const malformed = (what: string) =>
  new ProtectedExportError('malformed', `This password-protected Bitwarden export is damaged: ${what}.`);

/**
 * The KDF settings a file may ask for: Bitwarden's own bounds (Argon2id 2 to
 * 10 iterations, 16 to 1,024 MiB, 1 to 16 lanes), and PBKDF2 from 5,000 to
 * 2,000,000 iterations, so a crafted file cannot make the reader work for
 * hours or allocate gigabytes.
 */
function checkKdf(kdf: Partial<KdfSettings>): KdfSettings {
  const int = (v: unknown, min: number, max: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  if (kdf.kdfType === 0 && int(kdf.kdfIterations, 5_000, 2_000_000))
    return { kdfType: 0, kdfIterations: kdf.kdfIterations as number };
  if (
    kdf.kdfType === 1 &&
    int(kdf.kdfIterations, 2, 10) &&
    int(kdf.kdfMemory, 16, 1024) &&
    int(kdf.kdfParallelism, 1, 16)
  )
    return kdf as KdfSettings;
  throw malformed('its key derivation settings are missing or out of the range Bitwarden uses');
}

function readEnvelope(text: string): Envelope {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw malformed('it is not JSON');
  }
  for (const member of ['salt', 'encKeyValidation_DO_NOT_EDIT', 'data'] as const)
    if (typeof doc[member] !== 'string' || doc[member] === '') throw malformed(`${member} is missing`);
  return { ...(doc as unknown as Envelope), ...checkKdf(doc as Partial<KdfSettings>) };
}

/** The 32-byte key of the password, as deriveKeyFromPassword makes it. */
async function deriveKey(password: string, salt: string, kdf: KdfSettings): Promise<Uint8Array> {
  if (kdf.kdfType === 1) {
    const saltHash = new Uint8Array(await subtle().digest('SHA-256', utf8(salt)));
    return argon2id({
      password: utf8(password),
      salt: saltHash,
      iterations: kdf.kdfIterations,
      memorySize: (kdf.kdfMemory as number) * 1024,
      parallelism: kdf.kdfParallelism as number,
      hashLength: 32,
      outputType: 'binary',
    });
  }
  const base = await subtle().importKey('raw', utf8(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle().deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: utf8(salt), iterations: kdf.kdfIterations },
    base,
    256,
  );
  return new Uint8Array(bits);
}

async function hmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await subtle().importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle().sign('HMAC', k, data));
}

/**
 * stretchKey: HKDF-Expand (RFC 5869) of the key, info "enc" and "mac", 32
 * bytes each. WebCrypto's HKDF always extracts first, and Bitwarden expands
 * the key as it is, so the one block of Expand is written out: T(1) =
 * HMAC-SHA256(key, info ‖ 0x01).
 */
async function stretch(key: Uint8Array): Promise<{ enc: Uint8Array; mac: Uint8Array }> {
  const expand = (info: string) => hmac(key, new Uint8Array([...utf8(info), 1]));
  return { enc: await expand('enc'), mac: await expand('mac') };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Equal in time that does not depend on where they differ. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Opens a type-2 EncString; undefined when its MAC does not verify (the wrong key). */
async function openEncString(
  encString: string,
  keys: { enc: Uint8Array; mac: Uint8Array },
): Promise<Uint8Array | undefined> {
  const match = /^2\.([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(encString);
  if (match === null)
    throw malformed('a value is not an encrypted string of the kind Bitwarden writes (type 2)');
  const [iv, data, mac] = [
    fromB64(match[1] as string),
    fromB64(match[2] as string),
    fromB64(match[3] as string),
  ];
  if (iv.length !== 16 || mac.length !== 32) throw malformed('an encrypted value has the wrong sizes');
  if (!sameBytes(await hmac(keys.mac, concat(iv, data)), mac)) return undefined;
  const aes = await subtle().importKey('raw', keys.enc, 'AES-CBC', false, ['decrypt']);
  try {
    return new Uint8Array(await subtle().decrypt({ name: 'AES-CBC', iv }, aes, data));
  } catch {
    throw malformed('an encrypted value does not decrypt');
  }
}

async function sealEncString(plain: Uint8Array, keys: { enc: Uint8Array; mac: Uint8Array }): Promise<string> {
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const aes = await subtle().importKey('raw', keys.enc, 'AES-CBC', false, ['encrypt']);
  const data = new Uint8Array(await subtle().encrypt({ name: 'AES-CBC', iv }, aes, plain));
  const mac = await hmac(keys.mac, concat(iv, data));
  return `2.${toB64(iv)}|${toB64(data)}|${toB64(mac)}`;
}

/**
 * The unencrypted JSON inside a password-protected export. The password is
 * checked on `encKeyValidation_DO_NOT_EDIT` first: a wrong one is
 * `wrong_password`, never a half-read file.
 */
export async function openProtectedExport(text: string, password: string | undefined): Promise<string> {
  const protection = protectionOf(text);
  if (protection === 'account')
    throw new ProtectedExportError(
      'account_encrypted',
      "This Bitwarden export is encrypted with its account's key, which only that Bitwarden account can open. Export again from Bitwarden as 'Password protected' or unencrypted JSON.",
    );
  const envelope = readEnvelope(text);
  if (password === undefined || password === '')
    throw new ProtectedExportError(
      'password_needed',
      'This is a password-protected Bitwarden export: give the password it was exported with.',
    );
  const keys = await stretch(await deriveKey(password, envelope.salt, envelope));
  if ((await openEncString(envelope.encKeyValidation_DO_NOT_EDIT, keys)) === undefined)
    throw new ProtectedExportError('wrong_password', 'The password does not open this Bitwarden export.');
  const data = await openEncString(envelope.data, keys);
  if (data === undefined) throw malformed('its data does not verify');
  return new TextDecoder('utf-8', { fatal: true }).decode(data);
}

/** A password-protected export of `clearJson` (an unencrypted Bitwarden JSON export), as Bitwarden writes one. */
export async function sealProtectedExport(
  clearJson: string,
  password: string,
  kdf: KdfSettings = DEFAULT_EXPORT_KDF,
): Promise<string> {
  const settings = checkKdf(kdf);
  const salt = toB64(globalThis.crypto.getRandomValues(new Uint8Array(16)));
  const keys = await stretch(await deriveKey(password, salt, settings));
  return JSON.stringify(
    {
      encrypted: true,
      passwordProtected: true,
      salt,
      ...settings,
      encKeyValidation_DO_NOT_EDIT: await sealEncString(utf8(globalThis.crypto.randomUUID()), keys),
      data: await sealEncString(utf8(clearJson), keys),
    },
    null,
    2,
  );
}
