import { configFromEnv, configToEnv, type FunctionName, type VaultConfig } from '@kmsvault/core';
import type { LocalPrincipal } from '../iam/types';
import type { FunctionSpec } from '../lambda';
import type { FunctionResource, LocalTemplate } from '../template/types';

/** The vault's functions by what they do, found by their Powertools service name. */
export type VaultFunctionName = FunctionName | 'authorizer';

/** Settings a local run may change on top of the template's (scrypt cost, backoff…), as environment variables. */
export type ConfigOverrides = Partial<Omit<VaultConfig, 'tables' | 'keys' | 'tokens' | 'loginBackoff'>> & {
  readonly tokens?: Partial<VaultConfig['tokens']>;
  readonly loginBackoff?: Partial<VaultConfig['loginBackoff']>;
};

/** Which of the template's functions is the auth, secrets or authorizer function. */
export function vaultFunctions(
  template: LocalTemplate,
): Partial<Record<VaultFunctionName, FunctionResource>> {
  const byName: Partial<Record<VaultFunctionName, FunctionResource>> = {};
  for (const fn of template.functions) {
    const service = fn.environment.POWERTOOLS_SERVICE_NAME?.replace(/^kmsvault-/, '');
    if (service === 'auth' || service === 'secrets' || service === 'authorizer') byName[service] = fn;
  }
  return byName;
}

/** The environment variables that carry `overrides` on top of a function's own environment. */
export function overrideEnvironment(
  environment: Readonly<Record<string, string>>,
  overrides: ConfigOverrides,
): Record<string, string> {
  if (Object.keys(overrides).length === 0) return {};
  const base = configFromEnv(environment);
  const before = configToEnv(base);
  const after = configToEnv({
    ...base,
    ...overrides,
    tokens: { ...base.tokens, ...overrides.tokens },
    loginBackoff: { ...base.loginBackoff, ...overrides.loginBackoff },
  });
  return Object.fromEntries(Object.entries(after).filter(([k, v]) => before[k] !== v));
}

export interface LocalEndpoints {
  readonly region: string;
  readonly kms: string;
  readonly dynamodb: string;
}

/**
 * A function as its worker pool runs it: the template's environment, the
 * local endpoints (the SDK inside the bundle reads AWS_ENDPOINT_URL_<SERVICE>),
 * and the credentials that act as the function's role.
 */
export function functionSpec(
  fn: FunctionResource,
  principal: LocalPrincipal,
  endpoints: LocalEndpoints,
  extra: Readonly<Record<string, string>>,
): FunctionSpec {
  return {
    logicalId: fn.logicalId,
    functionName: fn.functionName,
    assetDir: fn.assetDir,
    handler: fn.handler,
    memorySize: fn.memorySize,
    timeoutSeconds: fn.timeoutSeconds,
    environment: {
      ...fn.environment,
      ...extra,
      AWS_REGION: endpoints.region,
      AWS_DEFAULT_REGION: endpoints.region,
      AWS_ENDPOINT_URL_KMS: endpoints.kms,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ACCESS_KEY_ID: principal.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: principal.credentials.secretAccessKey,
    },
  };
}
