export { type ApiHandler, createSecretsHandler, type SecretsDependencies } from './app';
