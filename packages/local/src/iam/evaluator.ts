import {
  loadPolicy,
  type Policy,
  validateIdentityPolicy,
  validateResourcePolicy,
} from '@cloud-copilot/iam-policy';
import {
  AwsRequestImpl,
  authorizeRequest,
  DiscoveryContextKeyConstraints,
  RequestContextImpl,
} from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../template/types';
import type { AuthorizationDecision, AuthorizationRequest, LocalPrincipal } from './types';

/**
 * The request evaluation of the local IAM, on the core engine of
 * `@cloud-copilot/iam-simulate` (patched: see patches/): the same engine
 * that gets KMS's key-policy semantics right (an identity-policy allow counts
 * only when the key policy delegates to the account; session principals
 * match their role; an explicit deny wins). Its async `runSimulation` is not
 * used: the request is built here, with the context keys the caller knows,
 * and evaluated synchronously.
 */

type PolicyKind = 'identity' | 'resource';

const loaded = new WeakMap<object, Policy<{ name: string }>>();
const STRICT = {
  simulationMode: 'Strict' as const,
  discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]),
};

/** The validation errors of a policy document, as `path: message` lines; empty when valid. */
export function policyErrors(document: unknown, kind: PolicyKind): string[] {
  const errors = kind === 'identity' ? validateIdentityPolicy(document) : validateResourcePolicy(document);
  return errors.map((e) => `${e.path}: ${e.message}`);
}

function load(document: PolicyDocument, kind: PolicyKind, name: string): Policy<{ name: string }> {
  let policy = loaded.get(document);
  if (policy === undefined) {
    const errors = policyErrors(document, kind);
    if (errors.length > 0) throw new Error(`the ${kind} policy ${name} is not valid: ${errors.join('; ')}`);
    policy = loadPolicy(document, { name });
    loaded.set(document, policy);
  }
  return policy;
}

/** The account of an ARN (`arn:aws:kms:us-east-1:111122223333:key/…`), or undefined for `*`. */
function accountOf(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];
}

/** Global keys every signed request carries, unless the caller set them. */
function globalContext(principal: LocalPrincipal): Record<string, string> {
  return {
    'aws:PrincipalArn': principal.roleArn,
    'aws:PrincipalAccount': principal.account,
    'aws:PrincipalType': 'AssumedRole',
    'aws:SecureTransport': 'true',
    'aws:CurrentTime': new Date().toISOString(),
    'aws:EpochTime': String(Math.floor(Date.now() / 1000)),
  };
}

/**
 * Evaluates one request: the principal's identity policies and, when given,
 * the resource policy, as AWS would for the service of the action. A request
 * without a principal (unknown credentials) is denied.
 *
 * @throws Error when a policy is not a valid policy document
 */
export function evaluate(request: AuthorizationRequest): AuthorizationDecision {
  const { principal } = request;
  if (principal === undefined) return { allowed: false, result: 'implicit_deny', deniedBy: 'identity' };
  const identityPolicies = principal.identityPolicies.map((document, i) =>
    load(document, 'identity', `${principal.roleArn}#${i}`),
  );
  const resourcePolicy =
    request.resourcePolicy === undefined
      ? undefined
      : load(request.resourcePolicy, 'resource', `${request.resource} policy`);
  const values: Record<string, string | string[]> = globalContext(principal);
  for (const [key, value] of Object.entries(request.context)) {
    values[key] = typeof value === 'string' ? value : [...value];
  }
  const context = new RequestContextImpl(values);
  const awsRequest = new AwsRequestImpl(
    principal.sessionArn,
    { resource: request.resource, accountId: accountOf(request.resource) ?? principal.account },
    request.action,
    context,
    // Resource `*` is used for the actions that support no resource (ListKeys, CreateKey...).
    request.resource === '*',
  );
  const analysis = authorizeRequest({
    request: awsRequest,
    sessionPolicy: undefined,
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
    permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: STRICT,
  });
  if (analysis.result === 'Allowed') return { allowed: true, result: 'allowed' };
  const resourceDenies = analysis.resourceAnalysis?.denyStatements.length ?? 0;
  const resourceAllows = analysis.resourceAnalysis?.allowStatements.length ?? 0;
  if (analysis.result === 'ExplicitlyDenied') {
    return {
      allowed: false,
      result: 'explicit_deny',
      deniedBy: resourceDenies > 0 ? 'resource' : 'identity',
    };
  }
  return {
    allowed: false,
    result: 'implicit_deny',
    deniedBy: resourcePolicy !== undefined && resourceAllows === 0 ? 'resource' : 'identity',
  };
}
