import type { Collected, ResolvedDeclaration, ResourceHandler } from '../context';
import type { ResolvedResource } from '../intrinsics';
import { physical, shortId } from '../physical';
import {
  type ApiAuthorizer,
  type ApiMethod,
  type FunctionResource,
  type RestApiResource,
  TemplateError,
} from '../types';
import { bool, obj, optNum, optStr, type Props, str } from './props';

/**
 * AWS::ApiGateway::* → the pieces of a REST API, each with API Gateway's id
 * shapes (10-character API ids, 6-character resource ids), collected and
 * assembled into RestApiResources once every function is known.
 */
export const provisionApiPiece: ResourceHandler = (ctx, r) => {
  ctx.collected.pieces.push(r);
  const id = (n: number) => shortId([ctx.env.stackName, r.logicalId], n);
  const p = r.resolved;
  switch (r.type) {
    case 'AWS::ApiGateway::RestApi':
      return physical(id(10), {
        RestApiId: id(10),
        RootResourceId: rootResourceId(ctx.env.stackName, r.logicalId),
      });
    case 'AWS::ApiGateway::Resource':
      return physical(id(6), { ResourceId: id(6) });
    case 'AWS::ApiGateway::Stage':
      return physical(str(p, 'StageName', r.logicalId));
    case 'AWS::ApiGateway::Deployment':
      return physical(id(6), { DeploymentId: id(6) });
    case 'AWS::ApiGateway::Authorizer':
      return physical(id(6), { AuthorizerId: id(6) });
    case 'AWS::ApiGateway::RequestValidator':
      return physical(id(6), { RequestValidatorId: id(6) });
    case 'AWS::ApiGateway::Model':
      return physical(optStr(p, 'Name') ?? r.logicalId);
    default:
      return physical(id(6), { Id: id(6) });
  }
};

function rootResourceId(stackName: string, logicalId: string): string {
  return shortId([stackName, logicalId, 'root'], 10);
}

/** The collected API Gateway pieces as one RestApiResource per AWS::ApiGateway::RestApi. */
export function assembleRestApis(
  collected: Collected,
  provisioned: (logicalId: string) => ResolvedResource,
): RestApiResource[] {
  const pieces = (type: string, restApiId: string) =>
    collected.pieces.filter(
      (r) => r.type === `AWS::ApiGateway::${type}` && r.resolved.RestApiId === restApiId,
    );
  const functionOf = functionFinder(collected.functions);
  return collected.pieces
    .filter((r) => r.type === 'AWS::ApiGateway::RestApi')
    .map((api): RestApiResource => {
      const restApiId = provisioned(api.logicalId).ref;
      const paths = pathResolver(
        api,
        provisioned(api.logicalId).getAtt('RootResourceId') as string,
        pieces('Resource', restApiId),
        provisioned,
      );
      return {
        logicalId: api.logicalId,
        restApiId,
        name: optStr(api.resolved, 'Name') ?? api.logicalId,
        stageName: stageName(api, pieces('Stage', restApiId), pieces('Deployment', restApiId)),
        methods: pieces('Method', restApiId).map((m) => method(m, paths, functionOf)),
        authorizers: pieces('Authorizer', restApiId).map((a) =>
          authorizer(a, provisioned(a.logicalId).ref, functionOf),
        ),
        validators: pieces('RequestValidator', restApiId).map((v) => ({
          id: provisioned(v.logicalId).ref,
          validateRequestBody: bool(v.resolved, 'ValidateRequestBody', false),
          validateRequestParameters: bool(v.resolved, 'ValidateRequestParameters', false),
        })),
        models: pieces('Model', restApiId).map((m) => ({
          name: provisioned(m.logicalId).ref,
          contentType: optStr(m.resolved, 'ContentType') ?? 'application/json',
          schema: schemaOf(m),
        })),
        gatewayResponses: pieces('GatewayResponse', restApiId).map((g) => ({
          responseType: str(g.resolved, 'ResponseType', g.logicalId),
          ...(optStr(g.resolved, 'StatusCode') !== undefined
            ? { statusCode: optStr(g.resolved, 'StatusCode') }
            : {}),
          responseParameters: strings(obj(g.resolved, 'ResponseParameters')),
          responseTemplates: strings(obj(g.resolved, 'ResponseTemplates')),
        })),
      };
    });
}

/** resource id → `/a/{b}` from the ParentId/PathPart tree under the API's root resource. */
function pathResolver(
  api: ResolvedDeclaration,
  rootId: string,
  resources: readonly ResolvedDeclaration[],
  provisioned: (logicalId: string) => ResolvedResource,
): (resourceId: string, owner: string) => string {
  const byId = new Map(resources.map((r) => [provisioned(r.logicalId).ref, r]));
  const path = (resourceId: string, owner: string, depth: number): string => {
    if (resourceId === rootId) return '/';
    const resource = byId.get(resourceId);
    if (resource === undefined || depth > 64) {
      throw new TemplateError(owner, `resource ${resourceId} is not in the tree of ${api.logicalId}`);
    }
    const parent = path(
      str(resource.resolved, 'ParentId', resource.logicalId),
      resource.logicalId,
      depth + 1,
    );
    return `${parent === '/' ? '' : parent}/${str(resource.resolved, 'PathPart', resource.logicalId)}`;
  };
  return (resourceId, owner) => path(resourceId, owner, 0);
}

function stageName(
  api: ResolvedDeclaration,
  stages: readonly ResolvedDeclaration[],
  deployments: readonly ResolvedDeclaration[],
): string {
  const name =
    stages.map((s) => optStr(s.resolved, 'StageName')).find((n) => n !== undefined) ??
    deployments.map((d) => optStr(d.resolved, 'StageName')).find((n) => n !== undefined);
  if (name === undefined)
    throw new TemplateError(api.logicalId, 'the REST API has no stage (AWS::ApiGateway::Stage)');
  return name;
}

function method(
  m: ResolvedDeclaration,
  paths: (resourceId: string, owner: string) => string,
  functionOf: (uri: string, owner: string) => string,
): ApiMethod {
  const p = m.resolved;
  const resourceId = str(p, 'ResourceId', m.logicalId);
  const integration = obj(p, 'Integration');
  const type = optStr(integration, 'Type') ?? 'MOCK';
  const requestParameters: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(obj(p, 'RequestParameters')))
    requestParameters[k] = v === true || v === 'true';
  return {
    logicalId: m.logicalId,
    httpMethod: str(p, 'HttpMethod', m.logicalId).toUpperCase(),
    resourcePath: paths(resourceId, m.logicalId),
    resourceId,
    authorizationType: (optStr(p, 'AuthorizationType') ?? 'NONE') as ApiMethod['authorizationType'],
    ...optional('authorizerId', optStr(p, 'AuthorizerId')),
    ...optional('operationName', optStr(p, 'OperationName')),
    ...optional('requestValidatorId', optStr(p, 'RequestValidatorId')),
    requestModels: strings(obj(p, 'RequestModels')),
    requestParameters,
    integration:
      type === 'AWS_PROXY'
        ? {
            type: 'AWS_PROXY',
            functionLogicalId: functionOf(str(integration, 'Uri', m.logicalId), m.logicalId),
          }
        : { type: type === 'MOCK' ? 'MOCK' : 'OTHER', raw: integration },
  };
}

function authorizer(
  a: ResolvedDeclaration,
  id: string,
  functionOf: (uri: string, owner: string) => string,
): ApiAuthorizer {
  const p = a.resolved;
  const type = str(p, 'Type', a.logicalId) as ApiAuthorizer['type'];
  if (type === 'COGNITO_USER_POOLS') {
    throw new TemplateError(a.logicalId, 'Cognito user pool authorizers are not run locally');
  }
  return {
    id,
    logicalId: a.logicalId,
    name: optStr(p, 'Name') ?? a.logicalId,
    type,
    identitySource: optStr(p, 'IdentitySource') ?? 'method.request.header.Authorization',
    ...optional('identityValidationExpression', optStr(p, 'IdentityValidationExpression')),
    resultTtlSeconds: optNum(p, 'AuthorizerResultTtlInSeconds', a.logicalId) ?? 300,
    functionLogicalId: functionOf(str(p, 'AuthorizerUri', a.logicalId), a.logicalId),
  };
}

/** The function a Lambda integration or authorizer URI (`…/functions/<function ARN>/invocations`) invokes. */
function functionFinder(functions: readonly FunctionResource[]): (uri: string, owner: string) => string {
  const byArn = new Map(functions.map((f) => [f.arn, f.logicalId]));
  return (uri, owner) => {
    const arn = /\/functions\/([^/]+)\/invocations$/.exec(uri)?.[1];
    const logicalId =
      arn !== undefined ? (byArn.get(arn) ?? byArn.get(arn.replace(/:[^:]+$/, ''))) : undefined;
    if (logicalId === undefined)
      throw new TemplateError(owner, `integration URI ${uri} names no function of the stack`);
    return logicalId;
  };
}

function schemaOf(m: ResolvedDeclaration): Readonly<Record<string, unknown>> {
  const schema = m.resolved.Schema;
  if (typeof schema === 'string') return JSON.parse(schema) as Record<string, unknown>;
  return (schema ?? {}) as Record<string, unknown>;
}

function strings(p: Props): Record<string, string> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)]));
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
