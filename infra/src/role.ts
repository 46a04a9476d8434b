import { aws_iam as iam } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * A function's role whose later additions land in a managed policy of its
 * own (`<role>/DefaultPolicy`, made at the first addition) instead of
 * `iam.Role`'s inline default policy, so grants and `addToRolePolicy` on the
 * vault's functions take effect and NIST 800-53's no-inline-policy rule still
 * holds. aws-cdk-lib has no option for this; the override is written by hand.
 */
export class FunctionRole extends iam.Role {
  private additions?: iam.ManagedPolicy;

  /** A role the Lambda service assumes. */
  public constructor(scope: Construct, id: string) {
    super(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  }

  /** The managed policy holding what was added after construction, if anything was. */
  public get defaultManagedPolicy(): iam.ManagedPolicy | undefined {
    return this.additions;
  }

  public override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.additions ??= new iam.ManagedPolicy(this, 'DefaultPolicy', { roles: [this] });
    this.additions.addStatements(statement);
    return { statementAdded: true, policyDependable: this.additions };
  }
}
