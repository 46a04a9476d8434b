export { addNagPacks, buildApp } from './app';
export { ENVIRONMENTS, type EnvironmentConfig, type EnvironmentName, resolveEnvironment } from './config';
export { VaultKey, type VaultKeyProps } from './keys';
export { acknowledge } from './nag';
export { ArnListPrincipal } from './principals';
export { KEY_ADMIN_ARN_PATTERN, VaultStack } from './stack';
export { type PasswordStrategy, Vault, type VaultApiOptions, type VaultProps } from './vault';
