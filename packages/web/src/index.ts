export { buildWeb, DIST_DIR } from './build';

/** The Content-Security-Policy of the web vault: nothing inline, nothing from elsewhere. */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
