export { type ApiHandler, type AuthFunctionDependencies, createAuthHandler, createAuthService } from './app';
