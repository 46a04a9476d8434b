import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { ApiMethod, ApiModel, ApiValidator } from '../template/types';
import { FAILURES, type GatewayFailure } from './gateway-responses';

/** What request validation reads of a request. */
export interface ValidatedRequest {
  /** Header values by lower-case name. */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly body: string;
}

/** At most this many schema errors go into `$context.error.validationErrorString`. */
const MAX_REPORTED_ERRORS = 10;

/**
 * API Gateway's basic request validation for the methods whose validator asks
 * for it: required `method.request.*` parameters present and non-blank
 * (BAD_REQUEST_PARAMETERS), then the body against the model for its content
 * type, JSON Schema draft 4 (BAD_REQUEST_BODY). A content type with no model
 * (and no `$default` model) is not validated, as in API Gateway.
 */
export class RequestValidation {
  private readonly ajv: Ajv;
  private readonly validators: Map<string, ApiValidator>;
  private readonly models: Map<string, ApiModel>;
  private readonly compiled = new Map<string, ValidateFunction>();

  public constructor(validators: readonly ApiValidator[], models: readonly ApiModel[]) {
    this.validators = new Map(validators.map((v) => [v.id, v]));
    this.models = new Map(models.map((m) => [m.name, m]));
    this.ajv = new Ajv({ allErrors: true, verbose: true, strict: false, logger: false });
    addFormats(this.ajv);
    // `const` is draft 6: API Gateway's draft-4 validator ignores it, so must we.
    this.ajv.removeKeyword('const');
  }

  /** The failure API Gateway would answer with, or undefined when the request passes. */
  public check(method: ApiMethod, request: ValidatedRequest): GatewayFailure | undefined {
    const validator = method.requestValidatorId ? this.validators.get(method.requestValidatorId) : undefined;
    if (validator === undefined) return undefined;
    if (validator.validateRequestParameters) {
      const missing = Object.entries(method.requestParameters)
        .filter(([, required]) => required)
        .map(([name]) => name)
        .filter((name) => isBlank(parameterValue(name, request)))
        .map((name) => name.replace(/^method\.request\.(header|querystring|path)\./, ''));
      if (missing.length > 0) return FAILURES.badRequestParameters(missing);
    }
    if (validator.validateRequestBody) {
      const contentType = (request.headers['content-type'] ?? 'application/json').split(';')[0]?.trim();
      const modelName =
        method.requestModels[contentType?.toLowerCase() ?? ''] ?? method.requestModels.$default;
      if (modelName === undefined) return undefined;
      return this.checkBody(modelName, request.body);
    }
    return undefined;
  }

  private checkBody(modelName: string, body: string): GatewayFailure | undefined {
    const validate = this.compile(modelName);
    if (validate === undefined) return undefined;
    let value: unknown;
    try {
      // An empty body is validated as an empty object (local choice; AWS does not document it).
      value = body.trim().length === 0 ? {} : JSON.parse(body);
    } catch (err) {
      // Local wording: API Gateway's parser message differs.
      return FAILURES.badRequestBody(`[Invalid JSON: ${(err as Error).message}]`);
    }
    if (validate(value)) return undefined;
    return FAILURES.badRequestBody(`[${describe(validate.errors ?? []).join(', ')}]`);
  }

  private compile(modelName: string): ValidateFunction | undefined {
    const cached = this.compiled.get(modelName);
    if (cached !== undefined) return cached;
    const model = this.models.get(modelName);
    if (model === undefined) return undefined;
    const { $schema: _ignored, ...schema } = model.schema;
    const validate = this.ajv.compile(schema);
    this.compiled.set(modelName, validate);
    return validate;
  }
}

function parameterValue(name: string, request: ValidatedRequest): string | undefined {
  const [, kind, key] = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(name) ?? [];
  if (key === undefined) return undefined;
  if (kind === 'header') return request.headers[key.toLowerCase()];
  if (kind === 'querystring') return request.query.get(key) ?? undefined;
  return request.pathParameters[key];
}

function isBlank(value: string | undefined): boolean {
  return value === undefined || value.trim().length === 0;
}

/**
 * Ajv's errors in the words of API Gateway's draft-4 validator (the messages
 * `$context.error.validationErrorString` carries, e.g. `instance value ("x")
 * not found in enum (possible values: ["a","b"])`); missing properties of one
 * object are reported together, as API Gateway does. Keywords not mapped here
 * keep Ajv's message.
 */
function describe(errors: readonly ErrorObject[]): string[] {
  const out: string[] = [];
  const missing = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword === 'required') {
      const list = missing.get(e.instancePath) ?? [];
      list.push((e.params as { missingProperty: string }).missingProperty);
      missing.set(e.instancePath, list);
      continue;
    }
    out.push(message(e));
  }
  const grouped = [...missing.values()].map(
    (names) => `object has missing required properties (${JSON.stringify([...names].sort())})`,
  );
  return [...grouped, ...out].slice(0, MAX_REPORTED_ERRORS);
}

function message(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  const data = e.data;
  switch (e.keyword) {
    case 'additionalProperties':
      return `object instance has properties which are not allowed by the schema: ${JSON.stringify([p.additionalProperty])}`;
    case 'enum':
      return `instance value (${JSON.stringify(data)}) not found in enum (possible values: ${JSON.stringify(p.allowedValues)})`;
    case 'type':
      return `instance type (${jsonType(data)}) does not match any allowed primitive type (allowed: ${JSON.stringify([p.type].flat())})`;
    case 'minLength':
      return `string ${JSON.stringify(data)} is too short (length: ${String(data).length}, required minimum: ${p.limit})`;
    case 'maxLength':
      return `string ${JSON.stringify(data)} is too long (length: ${String(data).length}, maximum allowed: ${p.limit})`;
    case 'minItems':
      return `array is too short: must have at least ${p.limit} elements but instance has ${(data as unknown[]).length} elements`;
    case 'maxItems':
      return `array is too long: must have at most ${p.limit} elements but instance has ${(data as unknown[]).length} elements`;
    case 'minimum':
      return `numeric instance is lower than the required minimum (minimum: ${p.limit}, found: ${data})`;
    case 'maximum':
      return `numeric instance is greater than the required maximum (maximum: ${p.limit}, found: ${data})`;
    case 'pattern':
      return `ECMA 262 regex ${JSON.stringify(p.pattern)} does not match input string ${JSON.stringify(data)}`;
    default:
      return `${e.instancePath || '/'} ${e.message ?? e.keyword}`;
  }
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
