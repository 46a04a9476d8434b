import { aws_iam as iam } from 'aws-cdk-lib';

/**
 * IAM principals given as one list of ARNs, which may be a CloudFormation
 * list token (a `CommaDelimitedList` parameter's `valueAsList`): the policy
 * renders `"Principal": {"AWS": {"Ref": "Param"}}`. aws-cdk-lib's ArnPrincipal
 * takes one ARN, and no principal of it takes a list token, so this one is
 * written by hand. Keep it the only principal of its statement: a list token
 * cannot be merged with other ARNs into one Principal list.
 */
export class ArnListPrincipal extends iam.PrincipalBase {
  /** @param arns the principals' ARNs, or a list token that resolves to them */
  public constructor(public readonly arns: string[]) {
    super();
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return new iam.PrincipalPolicyFragment({ AWS: this.arns });
  }

  public override toString(): string {
    return `ArnListPrincipal(${this.arns.join(',')})`;
  }

  public override dedupeString(): string | undefined {
    return undefined;
  }
}
