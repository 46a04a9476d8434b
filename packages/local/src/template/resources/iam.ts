import type { Collected, ResourceHandler } from '../context';
import { generatedName, physical, shortId } from '../physical';
import { type PolicyDocument, type RoleResource, type StackEnvironment, TemplateError } from '../types';
import { list, optStr, type Props, str } from './props';

const AWS_MANAGED = /^arn:[^:]+:iam::aws:policy\//;

/**
 * The name and ARN a role of the template gets: its RoleName and Path, or the
 * name CloudFormation would generate. Known before provisioning, so KMS can
 * take key policies naming the role as it does on deploy.
 */
export function roleIdentity(
  env: Pick<StackEnvironment, 'stackName' | 'partition' | 'account'>,
  logicalId: string,
  properties: Props,
): { readonly roleName: string; readonly arn: string } {
  const roleName = optStr(properties, 'RoleName') ?? generatedName(env, logicalId, 64);
  const path = optStr(properties, 'Path') ?? '/';
  return { roleName, arn: `arn:${env.partition}:iam::${env.account}:role${path}${roleName}` };
}

/** AWS::IAM::Role → a role of the local cloud; its Arn is what key policies and functions name. */
export const provisionRole: ResourceHandler = (ctx, r) => {
  const p = r.resolved;
  const { roleName, arn } = roleIdentity(ctx.env, r.logicalId, p);
  ctx.collected.roles.push({
    logicalId: r.logicalId,
    roleName,
    arn,
    assumeRolePolicy: document(p.AssumeRolePolicyDocument, r.logicalId, 'AssumeRolePolicyDocument'),
    inline: (list(p, 'Policies') as Props[]).map((policy) => ({
      name: str(policy, 'PolicyName', r.logicalId),
      document: document(policy.PolicyDocument, r.logicalId, 'PolicyDocument'),
    })),
    managedPolicyArns: list(p, 'ManagedPolicyArns').map(String),
  });
  return physical(roleName, {
    Arn: arn,
    RoleId: `AROA${shortId([ctx.env.stackName, r.logicalId], 17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
  });
};

/** AWS::IAM::Policy → an inline policy of the roles it names. */
export const provisionPolicy: ResourceHandler = (ctx, r) => {
  const p = r.resolved;
  const name = str(p, 'PolicyName', r.logicalId);
  attachment(ctx.collected, r.logicalId, p, name, undefined);
  return physical(
    `${name.slice(0, 5)}-${shortId([ctx.env.stackName, r.logicalId], 12, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`,
  );
};

/** AWS::IAM::ManagedPolicy → a customer managed policy attached to the roles it names (and to roles listing its ARN). */
export const provisionManagedPolicy: ResourceHandler = (ctx, r) => {
  const p = r.resolved;
  const { partition, account } = ctx.env;
  const name = optStr(p, 'ManagedPolicyName') ?? generatedName(ctx.env, r.logicalId, 128);
  const arn = `arn:${partition}:iam::${account}:policy${optStr(p, 'Path') ?? '/'}${name}`;
  attachment(ctx.collected, r.logicalId, p, name, arn);
  return physical(arn, {
    PolicyArn: arn,
    PolicyId: `ANPA${shortId([ctx.env.stackName, r.logicalId], 17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
  });
};

function attachment(
  collected: Collected,
  logicalId: string,
  p: Props,
  name: string,
  arn: string | undefined,
): void {
  for (const key of ['Users', 'Groups']) {
    if (list(p, key).length > 0) {
      collected.unsupported.push({
        logicalId,
        type: arn === undefined ? 'AWS::IAM::Policy' : 'AWS::IAM::ManagedPolicy',
        reason: `attachment to IAM ${key.toLowerCase()} is not modelled (roles only)`,
      });
    }
  }
  collected.policies.push({
    logicalId,
    name,
    ...(arn !== undefined ? { arn } : {}),
    roleNames: list(p, 'Roles').map(String),
    document: document(p.PolicyDocument, logicalId, 'PolicyDocument'),
  });
}

/**
 * The roles with every policy that reaches them: inline Policies, AWS::IAM::Policy
 * and customer managed policies of the stack (attached by Roles or listed in
 * ManagedPolicyArns). AWS-managed ARNs, and ARNs of policies outside the stack,
 * stay in managedPolicyArns for the IAM evaluator to look up.
 */
export function assembleRoles(collected: Collected): RoleResource[] {
  const byArn = new Map(
    collected.policies.filter((p) => p.arn !== undefined).map((p) => [p.arn as string, p]),
  );
  return collected.roles.map((role) => {
    const attached = collected.policies.filter((p) => p.roleNames.includes(role.roleName));
    const listed = role.managedPolicyArns.map((arn) => byArn.get(arn)).filter((p) => p !== undefined);
    const fromStack = [...new Set([...attached, ...listed])].map((p) => ({
      name: p.name,
      document: p.document,
    }));
    return {
      logicalId: role.logicalId,
      roleName: role.roleName,
      arn: role.arn,
      assumeRolePolicy: role.assumeRolePolicy,
      policies: [...role.inline, ...fromStack],
      managedPolicyArns: role.managedPolicyArns.filter((arn) => !byArn.has(arn) || AWS_MANAGED.test(arn)),
    };
  });
}

function document(value: unknown, logicalId: string, what: string): PolicyDocument {
  const doc = typeof value === 'string' ? JSON.parse(value) : value;
  if (doc === null || typeof doc !== 'object' || !('Statement' in doc)) {
    throw new TemplateError(logicalId, `${what} is not a policy document (no Statement)`);
  }
  return doc as PolicyDocument;
}
