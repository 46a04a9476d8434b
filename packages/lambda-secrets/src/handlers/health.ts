import { checkHealth, type HealthDependencies, jsonResult, type OperationHandler } from '@kmsvault/core';

export function healthHandler(deps: HealthDependencies): OperationHandler {
  return async () => jsonResult(200, await checkHealth(deps));
}
