import type { HttpResponse } from './types';

/** The parts of a MOCK integration (the template's `Integration` property) the gateway reads. */
interface MockIntegration {
  readonly IntegrationResponses?: readonly {
    readonly StatusCode?: string;
    readonly SelectionPattern?: string;
    readonly ResponseParameters?: Readonly<Record<string, string>>;
    readonly ResponseTemplates?: Readonly<Record<string, string>>;
  }[];
}

function defaultResponse(raw: unknown) {
  const responses = (raw as MockIntegration | null)?.IntegrationResponses ?? [];
  return responses.find((r) => r.SelectionPattern === undefined || r.SelectionPattern === '') ?? responses[0];
}

const isLiteral = (value: string) => value.length >= 2 && value.startsWith("'") && value.endsWith("'");

/**
 * A MOCK integration's answer (CDK's CORS preflight): the default integration
 * response's status and its literal `method.response.header.*` values. Mapping
 * templates are not run; `mockDivergences` lists the ones a template has.
 */
export function mockResponse(raw: unknown): HttpResponse {
  const response = defaultResponse(raw);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response?.ResponseParameters ?? {})) {
    if (isLiteral(value))
      headers[name.replace(/^method\.response\.header\./, '').toLowerCase()] = value.slice(1, -1);
  }
  return { status: Number(response?.StatusCode ?? 200), headers, body: Buffer.alloc(0) };
}

/** What a MOCK integration asks for that `mockResponse` does not do. */
export function mockDivergences(where: string, raw: unknown): string[] {
  const response = defaultResponse(raw);
  if (response === undefined) return [`${where}: MOCK integration without an integration response`];
  const out: string[] = [];
  for (const [name, value] of Object.entries(response.ResponseParameters ?? {})) {
    if (!isLiteral(value)) out.push(`${where}: MOCK ${name} = ${value} is not rendered`);
  }
  for (const [type, template] of Object.entries(response.ResponseTemplates ?? {})) {
    if (template.trim().length > 0) out.push(`${where}: MOCK response template for ${type} is not run`);
  }
  return out;
}
