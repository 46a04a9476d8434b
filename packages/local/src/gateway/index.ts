export { ApiGatewayAdapter, type ApiGatewayAdapterOptions, MAX_PAYLOAD_BYTES } from './adapter';
export { LocalApiServer, type LocalApiServerOptions } from './server';
export type { HttpRequest, HttpResponse, ProxyHandler, TokenAuthorizer } from './types';
