export { type AuthorizerDependencies, createAuthorizer, type TokenAuthorizerHandler } from './authorizer';
