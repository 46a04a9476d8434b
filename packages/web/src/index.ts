export { buildWeb, DIST_DIR } from './build';

/**
 * The Content-Security-Policy of the web vault: nothing inline, nothing from
 * elsewhere. 'wasm-unsafe-eval' lets the page compile WebAssembly (hash-wasm's
 * Argon2id, to open and write Bitwarden's password-protected exports in the
 * browser); it allows no JavaScript eval.
 */
export const WEB_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
