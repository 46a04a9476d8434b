import { createAuthorizer } from './authorizer';
import { deps } from './deps';

/** The Lambda entry point (the construct bundles this file). */
export const handler = createAuthorizer(deps);
