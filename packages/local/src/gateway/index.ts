export { ApiGatewayAdapter, type ApiGatewayAdapterOptions, MAX_PAYLOAD_BYTES } from './adapter';
export { CloudFrontDistribution, type CloudFrontDistributionOptions, patternMatches } from './cloudfront';
export { FAILURES, type GatewayFailure, GatewayResponder, type ResponseContext } from './gateway-responses';
export { type PolicyDecision, policyDecision } from './policy';
export {
  INTEGRATION_TIMEOUT_MS,
  MAX_REQUEST_BYTES,
  TemplateApiGateway,
  type TemplateApiGatewayOptions,
} from './template-api';
export { TemplateGatewayServer, type TemplateGatewayServerOptions } from './template-server';
export type { GatewayRequest, HttpRequest, HttpResponse, ProxyHandler, TokenAuthorizer } from './types';
