import { aws_apigateway as apigw, Duration, type aws_lambda as lambda } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CORE_MANIFEST } from './core-manifest';
import type { FunctionName, ManifestRoute } from './core-manifest-types';
import type { PerFunction } from './functions';
import { type LogGroupSettings, vaultLogGroup } from './log-groups';
import { acknowledge } from './nag';
import type { VaultApiOptions } from './props';

/** The REST API, from the route manifest: resources, methods, models, the authorizer. */
export function restApi(
  scope: Construct,
  functions: PerFunction<lambda.Function>,
  options: VaultApiOptions,
  logSettings: LogGroupSettings,
): apigw.RestApi {
  const accessLogs = vaultLogGroup(scope, 'ApiAccessLogs', logSettings);
  const corsOrigins = [...(options.corsOrigins ?? [])];
  const api = new apigw.RestApi(scope, 'Api', {
    description: 'kmsvault API',
    // The account-wide logging role is not this stack's to own unless asked (see VaultApiOptions).
    cloudWatchRole: options.manageAccountCloudWatchRole === true,
    ...(options.manageAccountCloudWatchRole === true
      ? { cloudWatchRoleRemovalPolicy: logSettings.removalPolicy }
      : {}),
    endpointTypes: [apigw.EndpointType.REGIONAL],
    deployOptions: {
      // The stage is the API version: manifest path /v1/x is stage v1, resource /x.
      stageName: CORE_MANIFEST.apiStage,
      accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
      accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
        caller: false,
        httpMethod: true,
        ip: true,
        protocol: true,
        requestTime: true,
        resourcePath: true,
        responseLength: true,
        status: true,
        user: false,
      }),
      loggingLevel: apigw.MethodLoggingLevel.INFO,
      dataTraceEnabled: false,
      tracingEnabled: true,
      metricsEnabled: true,
      throttlingRateLimit: options.throttlingRateLimit ?? 50,
      throttlingBurstLimit: options.throttlingBurstLimit ?? 100,
    },
    ...(corsOrigins.length > 0
      ? {
          defaultCorsPreflightOptions: {
            allowOrigins: corsOrigins,
            allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match'],
            exposeHeaders: ['ETag', 'Retry-After'],
          } as apigw.CorsOptions,
        }
      : {}),
  });
  for (const [type, status, code] of [
    [apigw.ResponseType.UNAUTHORIZED, '401', 'unauthorized'],
    [apigw.ResponseType.ACCESS_DENIED, '403', 'forbidden'],
    [apigw.ResponseType.BAD_REQUEST_BODY, '400', 'validation_failed'],
    [apigw.ResponseType.REQUEST_TOO_LARGE, '413', 'payload_too_large'],
    [apigw.ResponseType.THROTTLED, '429', 'too_many_requests'],
    [apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, '404', 'not_found'],
    [apigw.ResponseType.AUTHORIZER_FAILURE, '503', 'service_unavailable'],
    [apigw.ResponseType.AUTHORIZER_CONFIGURATION_ERROR, '503', 'service_unavailable'],
    [apigw.ResponseType.INTEGRATION_TIMEOUT, '503', 'service_unavailable'],
    [apigw.ResponseType.DEFAULT_5XX, undefined, 'service_unavailable'],
  ] as const) {
    api.addGatewayResponse(`Gateway${type.responseType}`, {
      type,
      ...(status ? { statusCode: status } : {}),
      responseHeaders: {
        'Content-Type': "'application/problem+json'",
        ...(code === 'service_unavailable' ? { 'Retry-After': "'1'" } : {}),
      },
      templates: {
        'application/json': `{"type":"https://kmsvault.dev/problems/${code}","title":"$context.error.responseType","status":${status ?? '$context.error.statusCode'},"detail":$context.error.messageString,"code":"${code}","instance":"urn:request:$context.requestId"}`,
      },
    });
  }
  const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole !== undefined)
    acknowledge(
      cloudWatchRole,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      'the account-level API Gateway logging role; AWS documents this managed policy for it',
    );
  acknowledge(
    api,
    'AwsSolutions-APIG2',
    'bodies and headers are validated in the function against the zod schemas the models are made from, which answers problem+json naming each field; API Gateway request validation would answer without naming any',
  );
  const stage = api.deploymentStage;
  acknowledge(
    stage,
    'NIST.800.53.R5-APIGWCacheEnabledAndEncrypted',
    'responses carry decrypted secrets per caller; caching them would be wrong',
  );
  acknowledge(
    stage,
    'NIST.800.53.R5-APIGWSSLEnabled',
    'the backend is Lambda, not an HTTP endpoint that a client certificate would authenticate to',
  );
  // Without api.waf the stage has no web ACL: cdk-nag's AwsSolutions-APIG3 and
  // NIST.800.53.R5-APIGWAssociatedWithWAF stay for the app that made that choice to acknowledge.
  const authorizer = new apigw.TokenAuthorizer(scope, 'Authorizer', {
    handler: functions.authorizer,
    identitySource: apigw.IdentitySource.header('Authorization'),
    // Off: a cached policy outlives logout and the token's exp. The authorizer checks the
    // session itself (one GetItem per session, reused for at most 10 s in the function).
    resultsCacheTtl: Duration.seconds(0),
  });
  // One invoke permission per function for the whole API (any stage, method and path of this
  // API, console test invocations included) rather than two per method: the function policy
  // (20 KB at most) no longer grows with the routes.
  const integration = (fn: lambda.Function) =>
    new apigw.LambdaIntegration(fn, { scopePermissionToMethod: false });
  const integrations: Record<FunctionName, apigw.LambdaIntegration> = {
    auth: integration(functions.auth),
    secrets: integration(functions.secrets),
  };
  for (const route of CORE_MANIFEST.routes) {
    const resource = api.root.resourceForPath(route.resourcePath);
    const method = resource.addMethod(route.method, integrations[route.function], {
      operationName: route.operationId,
      ...(route.auth === 'bearer'
        ? { authorizer, authorizationType: apigw.AuthorizationType.CUSTOM }
        : { authorizationType: apigw.AuthorizationType.NONE }),
      // The models document each body; the function validates it against the same zod schema and
      // answers problem+json naming every field (API Gateway's validator would say only
      // "Invalid request body", as the template-driven local stack showed).
      ...(route.bodySchema
        ? { requestModels: { 'application/json': model(scope, api, route, route.bodySchema) } }
        : {}),
    });
    if (route.auth === 'none') {
      acknowledge(
        method,
        'AwsSolutions-APIG4',
        `${route.method} ${route.path} is public by design (${route.summary})`,
      );
      acknowledge(method, 'AwsSolutions-COG4', `${route.method} ${route.path} is public by design`);
    } else {
      acknowledge(
        method,
        'AwsSolutions-COG4',
        'authorised by the kmsvault Lambda authorizer (KMS-signed ES256 JWTs), not Cognito',
      );
    }
  }
  return api;
}

/**
 * A route's request model: its body schema as JSON Schema draft 4 (made from
 * the route's zod schema, see core-manifest.ts), for API Gateway's validator.
 */
function model(
  scope: Construct,
  api: apigw.RestApi,
  route: ManifestRoute,
  bodySchema: NonNullable<ManifestRoute['bodySchema']>,
): apigw.Model {
  return new apigw.Model(scope, `${route.operationId}Model`, {
    restApi: api,
    contentType: 'application/json',
    modelName: `${route.operationId}Request`,
    schema: { schema: apigw.JsonSchemaVersion.DRAFT4, ...bodySchema } as apigw.JsonSchema,
  });
}
