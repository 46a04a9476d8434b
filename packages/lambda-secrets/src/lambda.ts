import { createSecretsHandler } from './app';
import { deps } from './deps';

/** The Lambda entry point (the construct bundles this file). */
export const handler = createSecretsHandler(deps);
