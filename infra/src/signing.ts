import { type aws_iam as iam, aws_kms as kms, Token } from 'aws-cdk-lib';
import { SIGNING_KEY_SIGN_ACTIONS, SIGNING_KEY_VERIFY_ACTIONS } from './constants';
import type { VaultProps } from './props';

/** The roles that use the signing keys: auth signs (and serves the JWKS), the authorizer verifies. */
export interface SigningKeyUsers {
  readonly auth: iam.IRole;
  readonly authorizer: iam.IRole;
}

/**
 * Checks the signing keys a Vault is given; throws on the first invalid one.
 * A key defined in the same app (a `kms.Key`) must be ECC_NIST_P256 for
 * SIGN_VERIFY; an imported key's spec cannot be known at synth. The current
 * key may not also be a previous one, nor a previous one listed twice.
 */
export function validateSigningKeys(props: Pick<VaultProps, 'signingKey' | 'previousSigningKeys'>): void {
  const fail = (prop: string, value: string, allowed: string) => {
    throw new Error(`invalid Vault prop ${prop}: got ${value}; ${allowed}`);
  };
  const previous = props.previousSigningKeys ?? [];
  const named: [string, kms.IKey][] = [
    ...(props.signingKey ? [['signingKey', props.signingKey] as [string, kms.IKey]] : []),
    ...previous.map((key, i) => [`previousSigningKeys[${i}]`, key] as [string, kms.IKey]),
  ];
  for (const [prop, key] of named) {
    const cfn = key.node.defaultChild;
    if (!kms.CfnKey.isCfnKey(cfn)) continue;
    const spec = cfn.keySpec;
    const usage = cfn.keyUsage;
    const differs = (value: string | undefined, wanted: string) =>
      value === undefined || (!Token.isUnresolved(value) && value !== wanted);
    if (differs(spec, kms.KeySpec.ECC_NIST_P256) || differs(usage, kms.KeyUsage.SIGN_VERIFY)) {
      fail(
        prop,
        `${key.node.path} (${spec ?? 'SYMMETRIC_DEFAULT'}, ${usage ?? 'ENCRYPT_DECRYPT'})`,
        'allowed: a key with keySpec ECC_NIST_P256 and keyUsage SIGN_VERIFY (tokens are ES256)',
      );
    }
  }
  const seen = new Map<string, string>();
  for (const [prop, key] of named) {
    const earlier = seen.get(key.keyArn);
    if (earlier !== undefined)
      fail(
        prop,
        key.node.path,
        `it is already ${earlier}; a key is either the current signing key or a previous one, once`,
      );
    seen.set(key.keyArn, prop);
  }
}

/**
 * Lets the function roles use signing keys the construct did not make:
 * auth signs with `current` and reads every public key (it serves the JWKS),
 * the authorizer reads every public key. Through `key.grant`, so a key that
 * can take key-policy statements (a VaultKey, or any `kms.Key` of the app
 * whose grants go to its policy) gets them there, and every key gets
 * identity-policy statements on the roles. An imported key's policy cannot be
 * changed here: it must name the roles itself or delegate to IAM (an
 * account-root statement), or KMS denies the calls.
 */
export function grantSigningKeys(
  current: kms.IKey | undefined,
  previous: readonly kms.IKey[],
  roles: SigningKeyUsers,
): void {
  if (current) {
    current.grant(roles.auth, ...SIGNING_KEY_SIGN_ACTIONS);
    current.grant(roles.authorizer, ...SIGNING_KEY_VERIFY_ACTIONS);
  }
  for (const key of previous) {
    key.grant(roles.auth, ...SIGNING_KEY_VERIFY_ACTIONS);
    key.grant(roles.authorizer, ...SIGNING_KEY_VERIFY_ACTIONS);
  }
}
