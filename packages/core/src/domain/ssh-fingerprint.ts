import sshpk from 'sshpk';
import { ValidationError } from './errors';

/**
 * An SSH key's fingerprint as `ssh-keygen -l` prints it (`SHA256:` and the
 * unpadded base64 of the public key's SHA-256), from its public key, or from
 * its private key when no public key is given. sshpk parses the formats
 * (OpenSSH, PEM PKCS#1/PKCS#8, RFC 4716). A passphrase-protected private key
 * needs its public key beside it (the vault never asks for the passphrase). A
 * key that does not parse is a 400 naming the field, never quoting it.
 */
export function sshFingerprint(key: { privateKey: string; publicKey?: string }): string {
  if (key.publicKey !== undefined && key.publicKey.trim() !== '') {
    return parsed('sshKey.publicKey', () => sshpk.parseKey(key.publicKey as string, 'auto'))
      .fingerprint('sha256')
      .toString();
  }
  return parsed('sshKey.privateKey', () => sshpk.parsePrivateKey(key.privateKey, 'auto'))
    .toPublic()
    .fingerprint('sha256')
    .toString();
}

function parsed<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    const message =
      (err as Error).name === 'KeyEncryptedError'
        ? 'is protected by a passphrase: send its publicKey too, for the fingerprint'
        : 'is not an SSH key this vault can read (OpenSSH, PEM or RFC 4716)';
    throw new ValidationError(`${path} ${message}.`, [{ path, message }]);
  }
}
