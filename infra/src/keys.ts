import {
  Aws,
  DefaultStackSynthesizer,
  Duration,
  Fn,
  aws_iam as iam,
  aws_kms as kms,
  type RemovalPolicy,
  Stack,
  Token,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  KMS_ADMIN_ACTIONS,
  LOGS_KEY_SERVICE_ACTIONS,
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
import { PasswordStrategy } from './props';

/** Who administers the keys, and whether the account root is trusted too. */
export interface KeyAdministration {
  /** The named administrators (VaultProps.keyAdmins); may be empty when the deployer administers. */
  readonly admins: iam.IPrincipal[];
  /** The stack's CloudFormation execution role, when it administers the keys too. */
  readonly deployer?: iam.IPrincipal;
  readonly trustRoot: boolean;
  readonly removalPolicy: RemovalPolicy;
}

/** Construction props of a VaultKey. */
export interface VaultKeyProps extends kms.KeyProps {
  /**
   * Grants (`grant*`) add the grantee to the key policy as well as to its
   * identity policy. Needed when the key policy does not delegate to IAM (no
   * account-root statement): KMS then ignores identity policies.
   */
  readonly grantsToKeyPolicy: boolean;
}

/**
 * A KMS key whose `grant*` methods work when its policy does not trust the
 * account: aws-cdk-lib's KeyGrants adds a key-policy statement for the
 * grantee when told the account's identities are not trusted
 * (trustAccountIdentities false), which `kms.Key` no longer lets a caller say.
 */
export class VaultKey extends kms.Key {
  private readonly grantsToKeyPolicy: boolean;

  public constructor(scope: Construct, id: string, props: VaultKeyProps) {
    const { grantsToKeyPolicy, ...keyProps } = props;
    super(scope, id, keyProps);
    this.grantsToKeyPolicy = grantsToKeyPolicy;
  }

  public override get grants(): kms.KeyGrants {
    return kms.KeyGrants.fromKey(this, !this.grantsToKeyPolicy);
  }
}

/**
 * The stack synthesizer's CloudFormation execution role (the role that
 * creates the keys), as a principal: its ARN with the bootstrap qualifier,
 * account, region and partition resolved by `Fn::Sub`. Throws when the
 * synthesizer names no such role.
 */
export function deployerPrincipal(scope: Construct): iam.IPrincipal {
  const synthesizer = Stack.of(scope).synthesizer;
  const arn =
    synthesizer instanceof DefaultStackSynthesizer ? synthesizer.cloudFormationExecutionRole : undefined;
  if (arn === undefined) {
    throw new Error(
      `invalid Vault prop deployerIsKeyAdmin: the stack's synthesizer (${synthesizer.constructor.name}) has no CloudFormation execution role to make key administrator; set deployerIsKeyAdmin: false and name in keyAdmins the principal that deploys the stack`,
    );
  }
  return new iam.ArnPrincipal(Token.isUnresolved(arn) ? arn : Fn.sub(arn));
}

/** The vault's four KMS keys. */
export interface VaultKeys {
  readonly vaultKey: kms.Key;
  readonly passwordKey: kms.Key;
  /** The construct's own signing key, or the one it was given (VaultProps.signingKey). */
  readonly signingKey: kms.IKey;
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
 * exactly its cryptographic actions. A given signing key is used as it is:
 * no key is made for it and its grants are the caller's (see signing.ts).
 */
export function vaultKeys(
  scope: Construct,
  administration: KeyAdministration,
  strategy: PasswordStrategy,
  roles: KeyUsers,
  givenSigningKey?: kms.IKey,
): VaultKeys {
  const vaultKey = key(scope, 'VaultKey', 'kmsvault vault key: wraps per-user keys', administration, {
    keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
    enableKeyRotation: true,
  });
  const passwordKey = key(
    scope,
    'PasswordKey',
    `kmsvault password key (${strategy}): protects login password hashes`,
    administration,
    strategy === PasswordStrategy.RSA
      ? { keySpec: kms.KeySpec.RSA_3072, keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT }
      : { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC },
  );
  const signingKey = givenSigningKey ?? ownSigningKey(scope, administration, roles);
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
  if (strategy === PasswordStrategy.RSA) {
    allow(passwordKey, 'AuthChecksPasswords', roles.auth, PASSWORD_KEY_RSA_ACTIONS);
  } else {
    allow(passwordKey, 'AuthChecksPasswords', roles.auth, PASSWORD_KEY_HMAC_ACTIONS, {
      StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' },
    });
  }
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
  // DynamoDB creates its grant on the table key as the principal that creates the table.
  for (const [sid, principals] of adminGroups(administration, 'AdminsLetDynamoDbCreateGrants')) {
    tableKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        principals,
        actions: [...TABLE_KEY_CREATOR_ACTIONS],
        resources: ['*'],
        conditions: { ...viaDynamoDb, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
  }
  return { vaultKey, passwordKey, signingKey, tableKey };
}

/** The construct's own signing key (ES256), used when the Vault is given none. */
function ownSigningKey(scope: Construct, administration: KeyAdministration, roles: KeyUsers): kms.Key {
  const signingKey = key(
    scope,
    'SigningKey',
    'kmsvault signing key: signs access tokens (ES256)',
    administration,
    { keySpec: kms.KeySpec.ECC_NIST_P256, keyUsage: kms.KeyUsage.SIGN_VERIFY },
  );
  allow(signingKey, 'AuthSignsTokens', roles.auth, SIGNING_KEY_SIGN_ACTIONS);
  allow(signingKey, 'AuthorizerReadsPublicKey', roles.authorizer, SIGNING_KEY_VERIFY_ACTIONS);
  return signingKey;
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

/**
 * The key of the vault's log groups (the functions', the API's access logs,
 * the WAF's). Its policy lets CloudWatch Logs of the stack's region use it
 * for the log groups of the stack's account and region only: the encryption
 * context CloudWatch Logs sends names the log group
 * (`kms:EncryptionContext:aws:logs:arn`). Not one group's ARN: the groups
 * take the key at creation, so their ARNs cannot be in its policy.
 */
export function logsKey(scope: Construct, administration: KeyAdministration): kms.Key {
  const logsKey = key(scope, 'LogsKey', 'kmsvault logs key: the log groups at rest', administration, {
    keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
    enableKeyRotation: true,
  });
  const stack = Stack.of(scope);
  logsKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchLogsEncryptsLogGroups',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: [...LOGS_KEY_SERVICE_ACTIONS],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
        },
      },
    }),
  );
  return logsKey;
}

/**
 * The administrators in statement-sized groups, with their statement ids:
 * the named admins under `sid`, the deployer under `Deployer` + `sid`. Two
 * statements, not one, because a named admin may be a CloudFormation list
 * (a CommaDelimitedList parameter), which cannot share a Principal list.
 */
function adminGroups({ admins, deployer }: KeyAdministration, sid: string): [string, iam.IPrincipal[]][] {
  const groups: [string, iam.IPrincipal[]][] = [];
  if (admins.length > 0) groups.push([sid, admins]);
  if (deployer) groups.push([`Deployer${sid}`, [deployer]]);
  return groups;
}

/** A key whose policy starts with the administrators' statements (and the account root's, if trusted). */
function key(
  scope: Construct,
  id: string,
  description: string,
  administration: KeyAdministration,
  spec: Pick<kms.KeyProps, 'keySpec' | 'keyUsage' | 'enableKeyRotation'>,
): kms.Key {
  const { trustRoot, removalPolicy } = administration;
  const statements = adminGroups(administration, 'KeyAdministration').map(
    ([sid, principals]) =>
      new iam.PolicyStatement({ sid, principals, actions: [...KMS_ADMIN_ACTIONS], resources: ['*'] }),
  );
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
  return new VaultKey(scope, id, {
    grantsToKeyPolicy: !trustRoot,
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
