import { cdkBootstrapRoles, LocalIamService, type RoleDescription, rolesOfTemplate } from '../iam';
import type { AuthorizationDecision, AuthorizationRequest, LocalIam, LocalPrincipal } from '../iam/types';
import type { AssemblyStack } from '../template';
import { roleIdentity } from '../template/resources/iam';
import type { Props } from '../template/resources/props';
import type { LocalTemplate } from '../template/types';

/** The role a local deployment names as key administrator unless told otherwise; it exists before the stack, as a real admin role would. */
export function localKeyAdminArn(account: string): string {
  return `arn:aws:iam::${account}:role/kmsvault-local-key-admin`;
}

/**
 * The stack's IAM across its deployment: before the template is provisioned
 * only the pre-existing roles act (the CDK bootstrap's execution role, the
 * key administrators), while the template's roles already count as existing
 * for KMS's principal check (CloudFormation creates them before the keys
 * whose policies name them); once provisioned, the template's roles act too.
 */
export class StackIam implements LocalIam {
  private readonly base: LocalIamService;
  private readonly plannedRoles: ReadonlySet<string>;
  private deployed: LocalIamService | undefined;

  public constructor(
    private readonly assembly: AssemblyStack,
    preExisting: readonly RoleDescription[],
  ) {
    const bootstrap = cdkBootstrapRoles(assembly.account, assembly.region).filter(
      (role) => role.roleArn === assembly.deployerRoleArn,
    );
    const deployer: RoleDescription[] =
      bootstrap.length > 0
        ? bootstrap
        : [
            {
              roleArn: assembly.deployerRoleArn,
              managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
              sessionName: 'AWSCloudFormation',
            },
          ];
    this.base = new LocalIamService({
      account: assembly.account,
      preExisting: [...deployer, ...preExisting],
    });
    this.plannedRoles = new Set(plannedRoleArns(assembly));
  }

  /** The principal CloudFormation deploys as (the synthesizer's execution role). */
  public get deployer(): LocalPrincipal {
    return this.base.principalForRole(this.assembly.deployerRoleArn) as LocalPrincipal;
  }

  /** Every principal that can act now. */
  public get principals(): readonly LocalPrincipal[] {
    return [...this.base.principals, ...(this.deployed?.principals ?? [])];
  }

  public principalForRole(roleArn: string): LocalPrincipal | undefined {
    return this.base.principalForRole(roleArn) ?? this.deployed?.principalForRole(roleArn);
  }

  /** The template's roles act from now on, each with its identity policies and fresh credentials. */
  public deploy(template: LocalTemplate): void {
    this.deployed = new LocalIamService({ account: this.assembly.account, roles: rolesOfTemplate(template) });
  }

  public principalFor(accessKeyId: string): LocalPrincipal | undefined {
    return this.base.principalFor(accessKeyId) ?? this.deployed?.principalFor(accessKeyId);
  }

  public principalExists(arn: string): boolean {
    return (
      this.plannedRoles.has(arn) ||
      this.base.principalExists(arn) ||
      (this.deployed?.principalExists(arn) ?? false)
    );
  }

  public authorize(request: AuthorizationRequest): AuthorizationDecision {
    return this.base.authorize(request);
  }
}

/** The ARNs the template's roles will have, named as the loader names them. */
function plannedRoleArns(assembly: AssemblyStack): string[] {
  const resources = (assembly.template.Resources ?? {}) as Record<
    string,
    { Type?: string; Properties?: Props }
  >;
  const env = { stackName: assembly.stackName, partition: 'aws', account: assembly.account };
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Role')
    .map(([logicalId, r]) => roleIdentity(env, logicalId, r.Properties ?? {}).arn);
}
