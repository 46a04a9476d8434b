import { ROUTES, RouteMatcher } from '@kmsvault/core';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

type Json = Record<string, unknown>;

/**
 * Records responses a suite receives and checks each against the OpenAPI
 * document with Ajv (JSON Schema 2020-12): the status must be documented for
 * the operation, and a JSON body must fit the documented schema.
 */
export class OpenApiRecorder {
  private readonly recorded: Recorded[] = [];
  private readonly matcher = new RouteMatcher(ROUTES);

  public record(
    method: string,
    path: string,
    status: number,
    contentType: string | undefined,
    body: unknown,
  ): void {
    this.recorded.push({ method, path, status, contentType, body });
  }

  public get count(): number {
    return this.recorded.length;
  }

  /** Every mismatch, as one line each; empty when all responses fit. */
  public check(doc: Json): string[] {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const components = doc.components as Json;
    const problems: string[] = [];
    for (const r of this.recorded) {
      const where = `${r.method} ${r.path} → ${r.status}`;
      const found = this.matcher.match(r.method, new URL(r.path, 'http://x').pathname);
      if (found.kind !== 'match') {
        if (r.status === 404 || r.status === 405) continue;
        problems.push(`${where}: no route`);
        continue;
      }
      const op = ((doc.paths as Json)[found.match.route.path] as Json)[r.method.toLowerCase()] as Json;
      let response = (op.responses as Json)[String(r.status)] as Json | undefined;
      if (response === undefined) {
        problems.push(`${where}: status not documented for ${found.match.route.operationId}`);
        continue;
      }
      if (typeof response.$ref === 'string') {
        response = (components.responses as Json)[response.$ref.split('/').pop() as string] as Json;
      }
      const content = response.content as Json | undefined;
      if (content === undefined) {
        if (r.status !== 204 && r.body !== undefined && r.contentType?.includes('json')) {
          problems.push(`${where}: a body where none is documented`);
        }
        continue;
      }
      const mediaType = (r.contentType ?? '').split(';')[0]?.trim() as string;
      const media = content[mediaType] as Json | undefined;
      if (media === undefined) {
        problems.push(
          `${where}: content type ${mediaType} not documented (${Object.keys(content).join(', ')})`,
        );
        continue;
      }
      let schema = media.schema as Json;
      if (typeof schema.$ref === 'string') {
        schema = (components.schemas as Json)[schema.$ref.split('/').pop() as string] as Json;
      }
      const validate = ajv.compile(schema);
      if (!validate(r.body)) problems.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    }
    return problems;
  }
}
