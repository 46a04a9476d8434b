import { createAuthHandler } from './app';
import { deps } from './deps';

/** The Lambda entry point (the construct bundles this file). */
export const handler = createAuthHandler(deps);
