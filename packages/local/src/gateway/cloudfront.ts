import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { DistributionBehavior, DistributionResource } from '../template/types';
import { CONTENT_TYPES } from './content-types';
import type { TemplateApiGateway } from './template-api';
import type { GatewayRequest, HttpResponse } from './types';

export interface CloudFrontDistributionOptions {
  readonly distribution: DistributionResource;
  /** The REST APIs its API origins point at, by the RestApi's logical id. */
  readonly apis: readonly TemplateApiGateway[];
  /** The local directory standing in for each bucket origin, by the bucket's logical id. */
  readonly bucketDirs?: Readonly<Record<string, string>>;
}

/**
 * A CloudFront distribution of the template, served at the root: the first
 * behaviour whose path pattern matches (in the template's order, the default
 * `*` last) picks the origin. An API origin gets `originPath + path` on the
 * REST API's execute-api host, so originPath '' sends `/v1/secrets` to stage
 * v1's `/secrets`; a bucket origin serves the object `originPath + path` from
 * the bucket's directory, `/` being the default root object, and a missing
 * object is S3's 403 AccessDenied (OAC gives CloudFront no ListBucket). The
 * behaviour's response headers policy headers are set on every answer.
 * Caching, compression and error pages are not modelled.
 */
export class CloudFrontDistribution {
  public readonly logicalId: string;
  /** What this distribution does not serve as CloudFront would, one line each. */
  public readonly divergences: readonly string[];
  private readonly apis: Map<string, TemplateApiGateway>;

  public constructor(private readonly options: CloudFrontDistributionOptions) {
    this.logicalId = options.distribution.logicalId;
    this.apis = new Map(options.apis.map((api) => [api.logicalId, api]));
    const divergences: string[] = [];
    for (const behavior of options.distribution.behaviors) {
      const { origin } = behavior;
      if (origin.kind === 'api' && !this.apis.has(origin.restApiLogicalId)) {
        divergences.push(
          `${behavior.pathPattern}: REST API ${origin.restApiLogicalId} is not served locally`,
        );
      }
      if (origin.kind === 'bucket' && options.bucketDirs?.[origin.bucketLogicalId] === undefined) {
        divergences.push(
          `${behavior.pathPattern}: bucket ${origin.bucketLogicalId} has no local directory (every object is 403)`,
        );
      }
    }
    this.divergences = divergences;
  }

  public async handle(request: GatewayRequest): Promise<HttpResponse> {
    const url = new URL(request.url, 'http://local');
    const behavior = this.options.distribution.behaviors.find((b) =>
      patternMatches(b.pathPattern, url.pathname),
    );
    if (behavior === undefined) return withHeaders(accessDenied(), {});
    if (!behavior.allowedMethods.includes(request.method.toUpperCase())) {
      return withHeaders(methodNotAllowed(), behavior.responseHeaders);
    }
    const response = await this.fromOrigin(behavior, request, url);
    return withHeaders(response, behavior.responseHeaders);
  }

  private async fromOrigin(
    behavior: DistributionBehavior,
    request: GatewayRequest,
    url: URL,
  ): Promise<HttpResponse> {
    const { origin } = behavior;
    if (origin.kind === 'api') {
      const api = this.apis.get(origin.restApiLogicalId);
      if (api === undefined) return badGateway();
      // ALL_VIEWER_EXCEPT_HOST_HEADER: the origin sees its own host; CloudFront adds the viewer's address.
      const headers = request.headers.filter(([name]) => name.toLowerCase() !== 'host');
      return api.handle({
        ...request,
        url: `${origin.originPath}${url.pathname}${url.search}`,
        headers: [
          ...headers,
          ['Host', api.executeApiDomain],
          ['Via', '2.0 local.cloudfront.net (CloudFront)'],
        ],
      });
    }
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return accessDenied();
    const dir = this.options.bucketDirs?.[origin.bucketLogicalId];
    if (dir === undefined) return accessDenied();
    const root = this.options.distribution.defaultRootObject;
    const key = url.pathname === '/' && root !== undefined ? `/${root}` : url.pathname;
    return objectFrom(dir, `${origin.originPath}${key}`);
  }
}

/** CloudFront path patterns: case-sensitive, `*` any run of characters, `?` exactly one. */
export function patternMatches(pattern: string, path: string): boolean {
  const normalized = pattern.startsWith('/') || pattern === '*' ? pattern : `/${pattern}`;
  const source = normalized
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(path);
}

async function objectFrom(dir: string, key: string): Promise<HttpResponse> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(key);
  } catch {
    return accessDenied();
  }
  const root = resolve(dir);
  const file = resolve(root, `.${decoded}`);
  if (!file.startsWith(root + sep)) return accessDenied();
  try {
    if (!(await stat(file)).isFile()) return accessDenied();
    const body = await readFile(file);
    return {
      status: 200,
      headers: { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' },
      body,
    };
  } catch {
    return accessDenied();
  }
}

function withHeaders(response: HttpResponse, added: Readonly<Record<string, string>>): HttpResponse {
  const headers = { ...response.headers };
  // The construct's policy sets override: true, so the policy's value replaces the origin's.
  for (const [name, value] of Object.entries(added)) headers[name.toLowerCase()] = value;
  return { ...response, headers };
}

const xml = (status: number, code: string, message: string): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/xml' },
  body: Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  ),
});

/** S3's answer through OAC for an object that is not there. */
const accessDenied = () => xml(403, 'AccessDenied', 'Access Denied');

/** CloudFront's answer to a method the behaviour does not allow. */
const methodNotAllowed = (): HttpResponse => ({
  status: 403,
  headers: { 'content-type': 'text/html' },
  body: Buffer.from(
    '<html><body><h1>403 ERROR</h1><p>This distribution is not configured to allow the HTTP request method that was used for this request.</p></body></html>',
  ),
});

const badGateway = (): HttpResponse => ({
  status: 502,
  headers: { 'content-type': 'text/html' },
  body: Buffer.from('<html><body><h1>502 ERROR</h1><p>The origin is not served locally.</p></body></html>'),
});
