import type { AuthorizationDecision, LocalIam, LocalPrincipal } from '../iam/types';
import { KmsError } from './errors';
import type { KeyContext } from './key-context';
import { keyPolicyDocument } from './key-policy';
import { parseSymmetricBlob } from './material';
import type { Input } from './request';
import type { KeyRecord } from './types';

/**
 * KMS's authorization in front of every operation when the emulator has a
 * local IAM: the action `kms:<Operation>` on the key (alias names resolved
 * first) with the key policy as the resource policy and KMS's condition
 * keys; actions on no key (CreateKey, ListKeys, ListAliases, GenerateRandom)
 * on `*` with identity policies only.
 */

/** Who makes a call and how; the server fills `principal` from the verified signature. */
export interface KmsCall {
  /** The verified caller; undefined for unknown credentials (denied when the emulator has an IAM). */
  readonly principal?: LocalPrincipal;
  /**
   * Set when a service calls KMS on the principal's behalf (`kms:ViaService`),
   * e.g. `dynamodb.us-east-1.amazonaws.com` from the DynamoDB proxy. Never
   * set from a request's headers: only in-process callers can.
   */
  readonly viaService?: string;
  /** `kms:GrantIsForAWSResource`, for grants a service creates for its resource. */
  readonly grantIsForAwsResource?: boolean;
  /** `aws:SourceAccount`, when a service acts for a resource of that account. */
  readonly sourceAccount?: string;
}

type Context = Record<string, string | string[]>;

interface Check {
  readonly action: string;
  /** A key (its ARN, its policy) or another resource ARN / `*` checked on identity policies only. */
  readonly target: KeyRecord | string;
  readonly context: Context;
}

const NO_RESOURCE = new Set(['CreateKey', 'ListKeys', 'ListAliases', 'GenerateRandom']);

/**
 * Authorizes one call, before it runs.
 *
 * @throws KmsError AccessDeniedException naming the caller, action, resource and the deciding policy kind
 */
export function authorizeCall(
  keys: KeyContext,
  iam: LocalIam,
  operation: string,
  input: Input,
  call: KmsCall,
): void {
  const base = callContext(call);
  for (const check of checksFor(keys, operation, input)) {
    const key = typeof check.target === 'string' ? undefined : check.target;
    const resource = key?.arn ?? (check.target as string);
    const decision = iam.authorize({
      principal: call.principal,
      action: check.action,
      resource,
      ...(key !== undefined ? { resourcePolicy: keyPolicyDocument(keys, key) } : {}),
      context: { ...base, ...(key !== undefined ? keyContext(keys, key) : {}), ...check.context },
    });
    if (!decision.allowed) throw accessDenied(call.principal, check.action, resource, decision);
  }
}

function checksFor(keys: KeyContext, operation: string, input: Input): Check[] {
  const action = `kms:${operation}`;
  const context = operationContext(operation, input);
  if (NO_RESOURCE.has(operation)) return [{ action, target: '*', context }];
  switch (operation) {
    case 'CreateAlias':
    case 'UpdateAlias':
    case 'DeleteAlias':
      return aliasChecks(keys, action, input);
    case 'Decrypt': {
      const key = sourceKey(keys, input.KeyId, input.CiphertextBlob);
      return key === undefined ? [] : [{ action, target: key, context: withAlias(context, input.KeyId) }];
    }
    case 'ReEncrypt': {
      const source = sourceKey(keys, input.SourceKeyId, input.CiphertextBlob);
      const destination = keys.resolve(input.DestinationKeyId);
      return [
        ...(source === undefined
          ? []
          : [{ action: 'kms:ReEncryptFrom', target: source, context: reEncryptContext(input, 'Source') }]),
        { action: 'kms:ReEncryptTo', target: destination, context: reEncryptContext(input, 'Destination') },
      ];
    }
    default:
      if (input.KeyId === undefined) return [{ action, target: '*', context }];
      return [{ action, target: keys.resolve(input.KeyId), context: withAlias(context, input.KeyId) }];
  }
}

/** The alias itself on identity policies, and each key it moves between on their key policies. */
function aliasChecks(keys: KeyContext, action: string, input: Input): Check[] {
  const name = typeof input.AliasName === 'string' ? input.AliasName : '';
  const checks: Check[] = [{ action, target: keys.aliasArn(name), context: {} }];
  const current = keys.state.aliases[name];
  if (current !== undefined) {
    const key = keys.state.keys[current.targetKeyId];
    if (key !== undefined) checks.push({ action, target: key, context: {} });
  }
  if (input.TargetKeyId !== undefined) {
    checks.push({ action, target: keys.resolveTarget(input.TargetKeyId), context: {} });
  }
  return checks;
}

/** The key named, or the one a symmetric ciphertext names; undefined when neither says (the call fails anyway). */
function sourceKey(keys: KeyContext, keyId: unknown, blob: unknown): KeyRecord | undefined {
  if (keyId !== undefined) return keys.resolve(keyId);
  if (typeof blob !== 'string') return undefined;
  const parsedBlob = parseSymmetricBlob(Buffer.from(blob, 'base64'));
  return parsedBlob === undefined ? undefined : keys.state.keys[parsedBlob.keyId];
}

function callContext(call: KmsCall): Context {
  const context: Context = {};
  if (call.principal !== undefined) context['kms:CallerAccount'] = call.principal.account;
  if (call.viaService !== undefined) context['kms:ViaService'] = call.viaService;
  if (call.grantIsForAwsResource !== undefined) {
    context['kms:GrantIsForAWSResource'] = String(call.grantIsForAwsResource);
  }
  if (call.sourceAccount !== undefined) context['aws:SourceAccount'] = call.sourceAccount;
  return context;
}

function keyContext(keys: KeyContext, key: KeyRecord): Context {
  const aliases = Object.values(keys.state.aliases)
    .filter((a) => a.targetKeyId === key.keyId)
    .map((a) => a.aliasName);
  return {
    'kms:KeySpec': key.keySpec,
    'kms:KeyUsage': key.keyUsage,
    'kms:KeyOrigin': 'AWS_KMS',
    'kms:MultiRegion': 'false',
    ...(aliases.length > 0 ? { 'kms:ResourceAliases': aliases } : {}),
  };
}

/** The condition keys an operation's own parameters set. */
function operationContext(operation: string, input: Input): Context {
  const text = (field: string): string | undefined =>
    typeof input[field] === 'string' ? (input[field] as string) : undefined;
  switch (operation) {
    case 'CreateKey':
      return {
        'kms:KeySpec': text('KeySpec') ?? text('CustomerMasterKeySpec') ?? 'SYMMETRIC_DEFAULT',
        'kms:KeyUsage': text('KeyUsage') ?? 'ENCRYPT_DECRYPT',
        'kms:KeyOrigin': text('Origin') ?? 'AWS_KMS',
        'kms:MultiRegion': String(input.MultiRegion === true),
        'kms:BypassPolicyLockoutSafetyCheck': String(input.BypassPolicyLockoutSafetyCheck === true),
      };
    case 'PutKeyPolicy':
      return { 'kms:BypassPolicyLockoutSafetyCheck': String(input.BypassPolicyLockoutSafetyCheck === true) };
    case 'Encrypt':
    case 'Decrypt':
      return {
        ...encryptionContext(input.EncryptionContext),
        'kms:EncryptionAlgorithm': text('EncryptionAlgorithm') ?? 'SYMMETRIC_DEFAULT',
      };
    case 'GenerateDataKey':
    case 'GenerateDataKeyWithoutPlaintext':
      return {
        ...encryptionContext(input.EncryptionContext),
        'kms:EncryptionAlgorithm': 'SYMMETRIC_DEFAULT',
      };
    case 'Sign':
    case 'Verify':
      return {
        ...(text('SigningAlgorithm') !== undefined
          ? { 'kms:SigningAlgorithm': text('SigningAlgorithm') as string }
          : {}),
        'kms:MessageType': text('MessageType') ?? 'RAW',
      };
    case 'GenerateMac':
    case 'VerifyMac':
      return text('MacAlgorithm') !== undefined ? { 'kms:MacAlgorithm': text('MacAlgorithm') as string } : {};
    case 'EnableKeyRotation':
      return typeof input.RotationPeriodInDays === 'number'
        ? { 'kms:RotationPeriodInDays': String(input.RotationPeriodInDays) }
        : {};
    case 'ScheduleKeyDeletion':
      return {
        'kms:ScheduleKeyDeletionPendingWindowInDays': String(
          typeof input.PendingWindowInDays === 'number' ? input.PendingWindowInDays : 30,
        ),
      };
    default:
      return {};
  }
}

function reEncryptContext(input: Input, side: 'Source' | 'Destination'): Context {
  const algorithm = input[`${side}EncryptionAlgorithm`];
  return withAlias(
    {
      ...encryptionContext(input[`${side}EncryptionContext`]),
      'kms:EncryptionAlgorithm': typeof algorithm === 'string' ? algorithm : 'SYMMETRIC_DEFAULT',
      'kms:ReEncryptOnSameKey': String(
        input.SourceKeyId !== undefined && input.SourceKeyId === input.DestinationKeyId,
      ),
    },
    side === 'Source' ? input.SourceKeyId : input.DestinationKeyId,
  );
}

/** `kms:EncryptionContext:<key>` per pair and `kms:EncryptionContextKeys`; nothing without a context. */
function encryptionContext(value: unknown): Context {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const entries = Object.entries(value as Record<string, unknown>).filter(
    (e): e is [string, string] => typeof e[1] === 'string',
  );
  if (entries.length === 0) return {};
  const context: Context = { 'kms:EncryptionContextKeys': entries.map(([k]) => k) };
  for (const [k, v] of entries) context[`kms:EncryptionContext:${k}`] = v;
  return context;
}

/** `kms:RequestAlias` when the key parameter is an alias name or alias ARN. */
function withAlias(context: Context, keyParam: unknown): Context {
  if (typeof keyParam !== 'string') return context;
  const alias = /^(?:arn:[^:]+:kms:[^:]*:\d{12}:)?(alias\/.+)$/.exec(keyParam)?.[1];
  return alias === undefined ? context : { ...context, 'kms:RequestAlias': alias };
}

function accessDenied(
  principal: LocalPrincipal | undefined,
  action: string,
  resource: string,
  decision: AuthorizationDecision,
): KmsError {
  const who = principal?.sessionArn ?? 'anonymous';
  const kind = decision.deniedBy === 'resource' ? 'resource-based' : 'identity-based';
  const why =
    decision.result === 'explicit_deny'
      ? `with an explicit deny in ${kind === 'identity-based' ? 'an' : 'a'} ${kind} policy`
      : `because no ${kind} policy allows the ${action} action`;
  return new KmsError(
    'AccessDeniedException',
    `User: ${who} is not authorized to perform: ${action} on resource: ${resource} ${why}`,
  );
}
