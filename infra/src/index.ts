export { addNagPacks, buildApp } from './app';
export { ENVIRONMENTS, type EnvironmentConfig, type EnvironmentName, resolveEnvironment } from './config';
export { acknowledge } from './nag';
export { VaultStack } from './stack';
export { type PasswordStrategy, Vault, type VaultApiOptions, type VaultProps } from './vault';
