import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Which Lambda function serves a route. */
export type FunctionName = 'auth' | 'secrets';

/**
 * How a route is authenticated at the edge: `none` is public; `bearer` runs
 * the Lambda authorizer on the access token (API Gateway, and the local
 * adapter, refuse the request before the function runs).
 */
export type RouteAuth = 'none' | 'bearer';

export interface RouteDefinition {
  /** Stable, unique; the OpenAPI operationId and the handler's key. */
  readonly operationId: string;
  readonly method: HttpMethod;
  /**
   * The full public path template, e.g. `/v1/secrets/{id}`: the stage (`v1`)
   * then the API Gateway resource path (see resourcePathOf).
   */
  readonly path: string;
  readonly function: FunctionName;
  readonly auth: RouteAuth;
  readonly summary: string;
  /** JSON request body schema, when the route takes one. */
  readonly body?: z.ZodType;
  /** Query string parameters. */
  readonly query?: z.ZodObject;
  /** Request headers the route reads. */
  readonly headers?: readonly {
    readonly name: string;
    readonly required: boolean;
    readonly description: string;
  }[];
  /** Success status and body schema, for the OpenAPI document. */
  readonly responses?: Readonly<Record<number, RouteResponse>>;
}

export interface RouteResponse {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Media types other than application/json, when the route answers with them. */
  readonly mediaTypes?: readonly string[];
}
