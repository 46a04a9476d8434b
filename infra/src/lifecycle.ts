import { Aws, Fn, Names, RemovalPolicy } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * The removal policy the Vault gives its stateful resources (keys, tables,
 * log groups, buckets): RETAIN becomes RETAIN_ON_UPDATE_OR_DELETE, which is
 * CloudFormation's `DeletionPolicy: RetainExceptOnCreate` with
 * `UpdateReplacePolicy: Retain`. Kept on stack deletion and on replacement,
 * as with RETAIN; but when the create that made a resource rolls back (a
 * failed first deploy), CloudFormation deletes it, so the retry starts clean
 * instead of tripping over resources nobody owns. Other policies pass as they are.
 */
export function stackRemovalPolicy(policy: RemovalPolicy): RemovalPolicy {
  return policy === RemovalPolicy.RETAIN ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : policy;
}

/**
 * A physical name for a resource that must be named (the WAF's log group
 * must start with `aws-waf-logs-`) and may outlive its stack: `prefix`, the
 * stack name and construct path of `scope` (with a hash of the path, from
 * `Names.uniqueResourceName`), then the first 8 hex digits of the stack's
 * id, a UUID CloudFormation makes on every stack creation. Two vaults never
 * share the name, and a stack created again after a delete or a failed
 * create does not collide with a log group its previous incarnation retained.
 * The name stays the same on every update of one stack.
 */
export function retainableName(scope: Construct, prefix: string): string {
  // AWS::StackId is arn:aws:cloudformation:region:account:stack/NAME/UUID.
  const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
  const stackToken = Fn.select(0, Fn.split('-', stackUuid));
  return `${prefix}${Names.uniqueResourceName(scope, { maxLength: 60 })}-${stackToken}`;
}
