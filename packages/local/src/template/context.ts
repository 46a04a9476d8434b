import type { AssemblyStack } from './assembly';
import type { DeclaredResource } from './graph';
import type { IntrinsicResolver, ResolvedResource } from './intrinsics';
import type { KeyProvider, TableProvider } from './providers';
import type { StackState } from './state';
import type {
  AliasResource,
  FunctionResource,
  KeyResource,
  PolicyDocument,
  StackEnvironment,
  TableResource,
  UnsupportedResource,
} from './types';

/** A resource of the template with its properties resolved, as a handler receives it. */
export interface ResolvedDeclaration extends DeclaredResource {
  readonly resolved: Readonly<Record<string, unknown>>;
}

/** A role before the policies that attach to it from elsewhere (AWS::IAM::Policy, ManagedPolicy) are known. */
export interface RoleDraft {
  readonly logicalId: string;
  readonly roleName: string;
  readonly arn: string;
  readonly assumeRolePolicy: PolicyDocument;
  readonly inline: readonly { readonly name: string; readonly document: PolicyDocument }[];
  readonly managedPolicyArns: readonly string[];
}

/** A policy resource attached to roles by name. */
export interface PolicyAttachment {
  readonly logicalId: string;
  readonly name: string;
  /** The managed policy's ARN (AWS::IAM::ManagedPolicy), so roles listing it in ManagedPolicyArns find it. */
  readonly arn?: string;
  readonly roleNames: readonly string[];
  readonly document: PolicyDocument;
}

/** What the handlers collect while the stack is provisioned; assembled into a LocalTemplate at the end. */
export interface Collected {
  readonly tables: TableResource[];
  readonly keys: KeyResource[];
  readonly aliases: AliasResource[];
  readonly roles: RoleDraft[];
  readonly policies: PolicyAttachment[];
  readonly functions: FunctionResource[];
  /** API Gateway and CloudFront resources by type, assembled once every resource is known. */
  readonly pieces: ResolvedDeclaration[];
  readonly unsupported: UnsupportedResource[];
}

/** What a resource handler works with. */
export interface ProvisionContext {
  readonly env: StackEnvironment;
  readonly assembly: AssemblyStack;
  readonly resolver: IntrinsicResolver;
  readonly keys: KeyProvider;
  readonly tables: TableProvider;
  readonly state: StackState;
  readonly collected: Collected;
  /** Every provisioned resource by logical id, with its type. */
  readonly provisioned: ReadonlyMap<string, { readonly type: string; readonly physical: ResolvedResource }>;
}

/** Provisions one resource and returns what Ref and GetAtt see. */
export type ResourceHandler = (
  ctx: ProvisionContext,
  resource: ResolvedDeclaration,
) => Promise<ResolvedResource> | ResolvedResource;
