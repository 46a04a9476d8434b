/**
 * IAM action lists of the Vault construct, in one place. Administrators get
 * management actions only; each function role gets only the cryptographic
 * actions DESIGN.md's "Keys" table gives it.
 */

/** Key management, never cryptographic use. */
export const KMS_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
] as const;

/**
 * Vault key: signup wraps a new user key, login unwraps it (it authenticates
 * rsa password records); the secrets function unwraps user keys.
 */
export const VAULT_KEY_AUTH_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;
/** Vault key: the auth function's service keys (the login-throttle HMAC key), context purpose=service-key. */
export const VAULT_KEY_SERVICE_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;
/** The authorizer reads session records, and nothing else. */
export const DYNAMODB_SESSION_READ_ACTIONS = ['dynamodb:GetItem'] as const;
export const VAULT_KEY_SECRETS_ACTIONS = ['kms:Decrypt'] as const;
/** The health check asks KMS about the vault key. */
export const VAULT_KEY_HEALTH_ACTIONS = ['kms:DescribeKey'] as const;

/** Password key, rsa strategy: encrypt locally with the public key, Decrypt to check. */
export const PASSWORD_KEY_RSA_ACTIONS = ['kms:GetPublicKey', 'kms:Decrypt'] as const;
/** Password key, hmac strategy. */
export const PASSWORD_KEY_HMAC_ACTIONS = ['kms:GenerateMac', 'kms:VerifyMac'] as const;

/** Signing key: login and refresh sign; the authorizer and JWKS read the public key. */
export const SIGNING_KEY_SIGN_ACTIONS = ['kms:Sign', 'kms:GetPublicKey'] as const;
export const SIGNING_KEY_VERIFY_ACTIONS = ['kms:GetPublicKey'] as const;

/** Table key: what DynamoDB needs on the caller's behalf (kms:ViaService dynamodb). */
export const TABLE_KEY_USER_ACTIONS = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey*',
  'kms:ReEncrypt*',
  'kms:DescribeKey',
] as const;
/** DynamoDB creates grants on the table key for the principal that creates the table. */
export const TABLE_KEY_CREATOR_ACTIONS = ['kms:CreateGrant', 'kms:DescribeKey'] as const;

/**
 * CloudWatch Logs (the regional service principal) encrypts and decrypts a
 * log group's data under the logs key: the actions AWS documents for it.
 */
export const LOGS_KEY_SERVICE_ACTIONS = [
  'kms:Encrypt*',
  'kms:Decrypt*',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:Describe*',
] as const;

export const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'] as const;
export const XRAY_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'] as const;

export const DYNAMODB_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
] as const;
export const DYNAMODB_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

export const METRICS_READ_ACTIONS = [
  'cloudwatch:GetMetricData',
  'cloudwatch:GetMetricStatistics',
  'cloudwatch:ListMetrics',
] as const;
