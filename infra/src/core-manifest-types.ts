/**
 * The shape of `CORE_MANIFEST` (core-manifest.ts): what the construct takes
 * from `@kmsvault/core` and `@kmsvault/web` at synth time, as plain data, so
 * the published library depends on neither (they are not on the registry and
 * would bring the AWS SDK and zod along).
 */

/** Which function serves a route. */
export type FunctionName = 'auth' | 'secrets';

/** One route of the manifest, as API Gateway needs it. */
export interface ManifestRoute {
  readonly operationId: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The full public path, `/v1/...`. */
  readonly path: string;
  /** The path under the stage (`/secrets/{id}`), core's `resourcePathOf(path)`. */
  readonly resourcePath: string;
  readonly function: FunctionName;
  readonly auth: 'none' | 'bearer';
  readonly summary: string;
  /** The request body's JSON Schema (draft 4, as API Gateway's models take it), without `$schema`. */
  readonly bodySchema?: { readonly [key: string]: unknown };
}

export interface CoreManifest {
  /** The API version, which is the stage name. */
  readonly apiStage: string;
  /** The largest request body the API takes, in bytes. */
  readonly maxBodyBytes: number;
  readonly vaultTable: {
    readonly partitionKey: string;
    readonly sortKey: string;
    readonly beaconIndex: string;
    readonly beaconAttribute: string;
    readonly ttlAttribute: string;
  };
  readonly idempotencyTable: { readonly partitionKey: string; readonly ttlAttribute: string };
  readonly defaults: { readonly historyDepth: number; readonly trashRetentionDays: number };
  /** The log messages the metric filters count. */
  readonly events: { readonly dependency: string; readonly integrity: string };
  /** The web vault's Content-Security-Policy. */
  readonly webCsp: string;
  readonly routes: readonly ManifestRoute[];
}
