import { policyErrors } from '../iam/evaluator';
import type { LocalIam, LocalPrincipal } from '../iam/types';
import type { PolicyDocument, PolicyStatement } from '../template/types';
import { KmsError } from './errors';
import type { KeyContext } from './key-context';
import type { Input, Output } from './request';
import { optionalString, requiredString } from './request';
import type { KeyRecord } from './types';

/**
 * Key policies: the text KMS keeps per key (the only policy name is
 * `default`), KMS's default policy for keys created without one, the checks
 * CreateKey and PutKeyPolicy apply to a new policy, and GetKeyPolicy,
 * PutKeyPolicy and ListKeyPolicies.
 */

export const POLICY_NAME = 'default';
const MAX_POLICY_BYTES = 32_768;
const parsed = new Map<string, PolicyDocument>();

/** What the safety checks need to know; without it only the document itself is checked. */
export interface PolicyGuard {
  readonly iam: LocalIam;
  /** The caller of CreateKey / PutKeyPolicy. */
  readonly caller: LocalPrincipal | undefined;
}

/** The policy KMS gives a key created without one: the account may use it through IAM policies. */
export function defaultKeyPolicy(account: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  });
}

/** The key's policy text (the default policy for keys stored before policies were kept). */
export function keyPolicyText(ctx: KeyContext, key: KeyRecord): string {
  return key.policy ?? defaultKeyPolicy(ctx.account);
}

/** The key's policy as a document, parsed once per text. */
export function keyPolicyDocument(ctx: KeyContext, key: KeyRecord): PolicyDocument {
  const text = keyPolicyText(ctx, key);
  let document = parsed.get(text);
  if (document === undefined) {
    document = JSON.parse(text) as PolicyDocument;
    if (parsed.size > 1000) parsed.clear();
    parsed.set(text, document);
  }
  return document;
}

/**
 * Checks a new key policy as KMS does before CreateKey or PutKeyPolicy takes
 * it: a valid key policy document; with a guard, every principal it names
 * exists, and (unless the lockout check is bypassed) the caller could still
 * change the policy under it.
 *
 * @returns the policy text to store
 * @throws KmsError MalformedPolicyDocumentException
 */
export function checkKeyPolicy(text: string, keyArn: string, bypass: boolean, guard?: PolicyGuard): string {
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) {
    throw malformed(`The key policy is over ${MAX_POLICY_BYTES} bytes.`);
  }
  let document: PolicyDocument;
  try {
    document = JSON.parse(text) as PolicyDocument;
  } catch {
    throw malformed('The key policy is not valid JSON.');
  }
  const errors = policyErrors(document, 'resource');
  if (errors.length > 0)
    throw malformed(`The key policy is not a valid policy document: ${errors.join('; ')}`);
  if (guard === undefined) return text;
  const unknown = principalsOf(document).filter((arn) => !guard.iam.principalExists(arn));
  if (unknown.length > 0) throw malformed('Policy contains a statement with one or more invalid principals.');
  if (!bypass) {
    const decision = guard.iam.authorize({
      principal: guard.caller,
      action: 'kms:PutKeyPolicy',
      resource: keyArn,
      resourcePolicy: document,
      context: {
        ...(guard.caller !== undefined ? { 'kms:CallerAccount': guard.caller.account } : {}),
        'kms:BypassPolicyLockoutSafetyCheck': 'false',
      },
    });
    if (!decision.allowed) {
      throw malformed('The new key policy will not allow you to update the key policy in the future.');
    }
  }
  return text;
}

export function getKeyPolicy(ctx: KeyContext, input: Input): Output {
  const key = ctx.resolve(input.KeyId);
  policyName(input);
  return { Policy: keyPolicyText(ctx, key), PolicyName: POLICY_NAME };
}

export function putKeyPolicy(ctx: KeyContext, input: Input, guard?: PolicyGuard): Output {
  const key = ctx.resolve(input.KeyId);
  policyName(input);
  const text = requiredString(input, 'Policy');
  const bypass = input.BypassPolicyLockoutSafetyCheck === true;
  if (key.state === 'PendingDeletion') {
    throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
  }
  key.policy = checkKeyPolicy(text, key.arn, bypass, guard);
  ctx.save();
  return {};
}

export function listKeyPolicies(ctx: KeyContext, input: Input): Output {
  ctx.resolve(input.KeyId);
  return { PolicyNames: [POLICY_NAME], Truncated: false };
}

function policyName(input: Input): void {
  const name = optionalString(input, 'PolicyName') ?? POLICY_NAME;
  if (name !== POLICY_NAME) throw new KmsError('NotFoundException', `Policy ${name} does not exist.`);
}

/** Every AWS and service principal named by the policy's Principal and NotPrincipal elements. */
function principalsOf(document: PolicyDocument): string[] {
  const statements: readonly PolicyStatement[] = Array.isArray(document.Statement)
    ? document.Statement
    : [document.Statement as PolicyStatement];
  const names: string[] = [];
  for (const statement of statements) {
    for (const element of [statement.Principal, statement.NotPrincipal]) {
      if (element === undefined || element === '*') continue;
      for (const kind of ['AWS', 'Service'] as const) {
        const value = element[kind];
        if (value !== undefined) names.push(...(typeof value === 'string' ? [value] : value));
      }
    }
  }
  return names;
}

function malformed(message: string): KmsError {
  return new KmsError('MalformedPolicyDocumentException', message);
}
