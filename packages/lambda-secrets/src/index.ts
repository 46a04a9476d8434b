export type { ApiHandler } from '@kmsvault/core';
export { createSecretsHandler, type SecretsDependencies } from './app';
