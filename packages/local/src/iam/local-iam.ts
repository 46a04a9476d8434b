import type { LocalTemplate } from '../template/types';
import { evaluate } from './evaluator';
import { managedPolicyDocuments } from './managed-policies';
import { parseRoleArn, principalOf, type RoleDescription } from './principals';
import type { AuthorizationDecision, AuthorizationRequest, LocalIam, LocalPrincipal } from './types';

export interface LocalIamOptions {
  /** The local account (the template environment's). */
  readonly account: string;
  /** The template's roles (see {@link rolesOfTemplate}). */
  readonly roles?: readonly RoleDescription[];
  /**
   * Roles that exist before the stack is deployed: the CDK bootstrap's
   * ({@link cdkBootstrapRoles}), the administrators a configuration names.
   * @default none
   */
  readonly preExisting?: readonly RoleDescription[];
}

const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/;
const ACCOUNT_ROOT = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;
const ASSUMED_ROLE = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[\w+=,.@-]+$/;

/** The role descriptions of a template's roles: inline and customer policies resolved, AWS-managed ARNs kept. */
export function rolesOfTemplate(template: LocalTemplate): RoleDescription[] {
  return template.roles.map((role) => ({
    roleArn: role.arn,
    policies: role.policies.map((p) => p.document),
    managedPolicyArns: role.managedPolicyArns,
  }));
}

/**
 * The local cloud's IAM: one principal per role (template roles and
 * pre-existing ones), each with its own generated credentials, and requests
 * evaluated against identity policies and a resource policy (a key policy).
 */
export class LocalIamService implements LocalIam {
  public readonly account: string;
  private readonly byAccessKey = new Map<string, LocalPrincipal>();
  private readonly byRole = new Map<string, LocalPrincipal>();

  /** @throws Error when a role ARN is malformed, repeated, or names an unknown AWS-managed policy */
  public constructor(options: LocalIamOptions) {
    this.account = options.account;
    const roles = [...(options.preExisting ?? []), ...(options.roles ?? [])];
    managedPolicyDocuments(roles.flatMap((role) => role.managedPolicyArns ?? []));
    for (const role of roles) {
      if (this.byRole.has(role.roleArn)) throw new Error(`the role ${role.roleArn} is described twice`);
      const principal = principalOf(role);
      this.byRole.set(role.roleArn, principal);
      this.byAccessKey.set(principal.credentials.accessKeyId, principal);
    }
  }

  /** Every principal, pre-existing ones first. */
  public get principals(): readonly LocalPrincipal[] {
    return [...this.byRole.values()];
  }

  /** The principal of a role ARN, or undefined. */
  public principalForRole(roleArn: string): LocalPrincipal | undefined {
    return this.byRole.get(roleArn);
  }

  public principalFor(accessKeyId: string): LocalPrincipal | undefined {
    return this.byAccessKey.get(accessKeyId);
  }

  /**
   * Roles of the local account must be known (template or pre-existing);
   * account roots, `*` and `<service>.amazonaws.com` exist; principals of
   * other accounts cannot be seen from here and are taken to exist.
   */
  public principalExists(arn: string): boolean {
    if (arn === '*' || /^\d{12}$/.test(arn) || ACCOUNT_ROOT.test(arn) || SERVICE_PRINCIPAL.test(arn))
      return true;
    const role = parseRoleArn(arn);
    if (role !== undefined) return role.account !== this.account || this.byRole.has(arn);
    const session = ASSUMED_ROLE.exec(arn);
    if (session !== null) {
      const [, partition, account, name] = session;
      if (account !== this.account) return true;
      return this.principals.some(
        (p) =>
          p.roleArn.startsWith(`arn:${partition}:iam::${account}:role/`) && p.roleArn.endsWith(`/${name}`),
      );
    }
    const other = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn);
    return other !== null && other[1] !== this.account;
  }

  public authorize(request: AuthorizationRequest): AuthorizationDecision {
    return evaluate(request);
  }
}
