// The construct library's public API (@kmsvault/cdk): what jsii compiles and
// other languages see. The per-environment app (infra/app) is not part of it.

export { VaultKey, type VaultKeyProps } from './keys';
export { ArnListPrincipal } from './principals';
export {
  PasswordStrategy,
  Vault,
  type VaultApiDomain,
  type VaultApiOptions,
  type VaultFunctions,
  type VaultProps,
} from './vault';
export type { CloudFrontOriginProtection } from './waf-rules';
export { WebVault, type WebVaultProps } from './web';
