export type { ApiHandler } from '@kmsvault/core';
export { type AuthFunctionDependencies, createAuthHandler, createAuthService } from './app';
