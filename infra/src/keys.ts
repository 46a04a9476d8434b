import { Aws, Duration, aws_iam as iam, aws_kms as kms, type RemovalPolicy } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  KMS_ADMIN_ACTIONS,
  PASSWORD_KEY_HMAC_ACTIONS,
  PASSWORD_KEY_RSA_ACTIONS,
  SIGNING_KEY_SIGN_ACTIONS,
  SIGNING_KEY_VERIFY_ACTIONS,
  TABLE_KEY_CREATOR_ACTIONS,
  TABLE_KEY_USER_ACTIONS,
  VAULT_KEY_AUTH_ACTIONS,
  VAULT_KEY_HEALTH_ACTIONS,
  VAULT_KEY_SECRETS_ACTIONS,
  VAULT_KEY_SERVICE_KEY_ACTIONS,
} from './constants';
import type { PasswordStrategy } from './props';

/** Who administers the keys, and whether the account root is trusted too. */
export interface KeyAdministration {
  readonly admins: iam.IPrincipal[];
  readonly trustRoot: boolean;
  readonly removalPolicy: RemovalPolicy;
}

/** The vault's four KMS keys. */
export interface VaultKeys {
  readonly vaultKey: kms.Key;
  readonly passwordKey: kms.Key;
  readonly signingKey: kms.Key;
  readonly tableKey: kms.Key;
}

/** The function roles the key policies name. */
export interface KeyUsers {
  readonly auth: iam.IRole;
  readonly secrets: iam.IRole;
  readonly authorizer: iam.IRole;
}

/**
 * The vault, password, signing and table keys in `scope`, with split key
 * policies: administrators get management actions, each function role
 * exactly its cryptographic actions.
 */
export function vaultKeys(
  scope: Construct,
  administration: KeyAdministration,
  strategy: PasswordStrategy,
  roles: KeyUsers,
): VaultKeys {
  const { admins } = administration;
  const vaultKey = key(scope, 'VaultKey', 'kmsvault vault key: wraps per-user keys', administration, {
    keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
    enableKeyRotation: true,
  });
  const passwordKey = key(
    scope,
    'PasswordKey',
    `kmsvault password key (${strategy}): protects login password hashes`,
    administration,
    strategy === 'rsa'
      ? { keySpec: kms.KeySpec.RSA_3072, keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT }
      : { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC },
  );
  const signingKey = key(
    scope,
    'SigningKey',
    'kmsvault signing key: signs access tokens (ES256)',
    administration,
    {
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
    },
  );
  const tableKey = key(scope, 'TableKey', 'kmsvault table key: the DynamoDB table at rest', administration, {
    keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
    enableKeyRotation: true,
  });

  const userKeyContext = { StringEquals: { 'kms:EncryptionContext:purpose': 'user-key' } };
  allow(vaultKey, 'AuthGeneratesUserKeys', roles.auth, VAULT_KEY_AUTH_ACTIONS, userKeyContext);
  allow(vaultKey, 'AuthUsesServiceKeys', roles.auth, VAULT_KEY_SERVICE_KEY_ACTIONS, {
    StringEquals: { 'kms:EncryptionContext:purpose': 'service-key' },
  });
  allow(vaultKey, 'SecretsUnwrapsUserKeys', roles.secrets, VAULT_KEY_SECRETS_ACTIONS, userKeyContext);
  allow(vaultKey, 'SecretsDescribesForHealth', roles.secrets, VAULT_KEY_HEALTH_ACTIONS);
  if (strategy === 'rsa') {
    allow(passwordKey, 'AuthChecksPasswords', roles.auth, PASSWORD_KEY_RSA_ACTIONS);
  } else {
    allow(passwordKey, 'AuthChecksPasswords', roles.auth, PASSWORD_KEY_HMAC_ACTIONS, {
      StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' },
    });
  }
  allow(signingKey, 'AuthSignsTokens', roles.auth, SIGNING_KEY_SIGN_ACTIONS);
  allow(signingKey, 'AuthorizerReadsPublicKey', roles.authorizer, SIGNING_KEY_VERIFY_ACTIONS);
  const viaDynamoDb = {
    StringEquals: {
      'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com`,
      'kms:CallerAccount': Aws.ACCOUNT_ID,
    },
  };
  for (const [name, role] of [
    ['Auth', roles.auth],
    ['Secrets', roles.secrets],
  ] as const) {
    allow(tableKey, `${name}UsesTableThroughDynamoDb`, role, TABLE_KEY_USER_ACTIONS, viaDynamoDb);
  }
  tableKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AdminsLetDynamoDbCreateGrants',
      principals: admins,
      actions: [...TABLE_KEY_CREATOR_ACTIONS],
      resources: ['*'],
      conditions: { ...viaDynamoDb, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  );
  return { vaultKey, passwordKey, signingKey, tableKey };
}

/** The key of the alarm topic: CloudWatch may publish to the topic through it. */
export function alarmKey(scope: Construct, administration: KeyAdministration): kms.Key {
  const alarmTopicKey = key(scope, 'AlarmTopicKey', 'kmsvault alarm topic key', administration, {
    keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
    enableKeyRotation: true,
  });
  alarmTopicKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchPublishesAlarms',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
  );
  return alarmTopicKey;
}

/** A key whose policy starts with the administrators' statement (and the account root's, if trusted). */
function key(
  scope: Construct,
  id: string,
  description: string,
  { admins, trustRoot, removalPolicy }: KeyAdministration,
  spec: Pick<kms.KeyProps, 'keySpec' | 'keyUsage' | 'enableKeyRotation'>,
): kms.Key {
  const statements = [
    new iam.PolicyStatement({
      sid: 'KeyAdministration',
      principals: admins,
      actions: [...KMS_ADMIN_ACTIONS],
      resources: ['*'],
    }),
  ];
  if (trustRoot) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'AccountRoot',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:*'],
        resources: ['*'],
      }),
    );
  }
  return new kms.Key(scope, id, {
    description,
    policy: new iam.PolicyDocument({ statements }),
    removalPolicy,
    pendingWindow: Duration.days(30),
    ...spec,
  });
}

/** Adds a statement to a key's policy letting one role call these actions. */
function allow(
  key: kms.Key,
  sid: string,
  role: iam.IRole,
  actions: readonly string[],
  conditions?: Record<string, unknown>,
): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid,
      principals: [role],
      actions: [...actions],
      resources: ['*'],
      ...(conditions ? { conditions } : {}),
    }),
  );
}
