/**
 * hash-wasm's Argon2 build alone (30 KB, where the package's index carries
 * every algorithm's WebAssembly, 216 KB): the CLI and the web vault bundle
 * only this. Its API is the package's `argon2id`.
 */
declare module 'hash-wasm/dist/argon2.umd.min.js' {
  export { argon2id } from 'hash-wasm';
}
