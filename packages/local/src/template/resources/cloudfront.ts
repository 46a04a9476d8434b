import type { Collected, ProvisionContext, ResourceHandler } from '../context';
import { physical, shortId } from '../physical';
import {
  type DistributionBehavior,
  type DistributionResource,
  type RestApiResource,
  TemplateError,
} from '../types';
import { bool, list, obj, optNum, optStr, type Props, str } from './props';

/** AWS::CloudFront::Distribution / ResponseHeadersPolicy → collected, assembled once the REST APIs are known. */
export const provisionCloudFrontPiece: ResourceHandler = (ctx, r) => {
  ctx.collected.pieces.push(r);
  if (r.type === 'AWS::CloudFront::ResponseHeadersPolicy') {
    const id = uuidLike([ctx.env.stackName, r.logicalId]);
    return physical(id, { Id: id, LastModifiedTime: '1970-01-01T00:00:00Z' });
  }
  const id = `E${shortId([ctx.env.stackName, r.logicalId], 13, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`;
  const domain = `d${shortId([ctx.env.stackName, r.logicalId, 'domain'], 13)}.cloudfront.net`;
  return physical(id, { Id: id, DomainName: domain });
};

function uuidLike(parts: readonly string[]): string {
  const h = shortId(parts, 32, '0123456789abcdef');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The distributions with their behaviours in CloudFront's order (cache
 * behaviours, then the default), each bound to its origin: a REST API of the
 * stack (`<restApiId>.execute-api.…`) or an S3 bucket of the stack.
 */
export function assembleDistributions(
  ctx: ProvisionContext,
  restApis: readonly RestApiResource[],
): DistributionResource[] {
  const headers = headerPolicies(ctx.collected, ctx);
  return ctx.collected.pieces
    .filter((r) => r.type === 'AWS::CloudFront::Distribution')
    .map((d) => {
      const config = obj(d.resolved, 'DistributionConfig');
      const origins = new Map(
        (list(config, 'Origins') as Props[]).map((o) => [str(o, 'Id', d.logicalId), o]),
      );
      const behavior = (b: Props, pathPattern: string): DistributionBehavior => {
        const originId = str(b, 'TargetOriginId', d.logicalId);
        const origin = origins.get(originId);
        if (origin === undefined)
          throw new TemplateError(d.logicalId, `behaviour ${pathPattern} targets unknown origin ${originId}`);
        const policyId = optStr(b, 'ResponseHeadersPolicyId');
        const responseHeaders = policyId === undefined ? {} : headers.get(policyId);
        if (responseHeaders === undefined) {
          ctx.collected.unsupported.push({
            logicalId: d.logicalId,
            type: d.type,
            reason: `response headers policy ${policyId} (${pathPattern}) is not in the stack; its headers are not added`,
          });
        }
        return {
          pathPattern,
          origin: originOf(ctx, d.logicalId, origin, restApis),
          allowedMethods:
            b.AllowedMethods === undefined ? ['GET', 'HEAD'] : list(b, 'AllowedMethods').map(String),
          responseHeaders: responseHeaders ?? {},
        };
      };
      const ordered = (list(config, 'CacheBehaviors') as Props[]).map((b) =>
        behavior(b, str(b, 'PathPattern', d.logicalId)),
      );
      return {
        logicalId: d.logicalId,
        ...(optStr(config, 'DefaultRootObject') !== undefined
          ? { defaultRootObject: optStr(config, 'DefaultRootObject') }
          : {}),
        behaviors: [...ordered, behavior(obj(config, 'DefaultCacheBehavior'), '*')],
      };
    });
}

function originOf(
  ctx: ProvisionContext,
  owner: string,
  origin: Props,
  restApis: readonly RestApiResource[],
): DistributionBehavior['origin'] {
  const domain = str(origin, 'DomainName', owner);
  const originPath = optStr(origin, 'OriginPath') ?? '';
  const api = restApis.find((a) => domain.startsWith(`${a.restApiId}.execute-api.`));
  if (api !== undefined) return { kind: 'api', restApiLogicalId: api.logicalId, originPath };
  for (const [logicalId, { type, physical: bucket }] of ctx.provisioned) {
    if (type !== 'AWS::S3::Bucket') continue;
    const names = ['DomainName', 'RegionalDomainName', 'DualStackDomainName'].map((a) => bucket.getAtt(a));
    const website = String(bucket.getAtt('WebsiteURL')).replace(/^https?:\/\//, '');
    if (names.includes(domain) || domain === website)
      return { kind: 'bucket', bucketLogicalId: logicalId, originPath };
  }
  throw new TemplateError(owner, `origin ${domain} is neither a REST API nor a bucket of the stack`);
}

/** Response headers policy id → the headers it adds (security headers and custom headers). */
function headerPolicies(collected: Collected, ctx: ProvisionContext): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const r of collected.pieces.filter((p) => p.type === 'AWS::CloudFront::ResponseHeadersPolicy')) {
    const config = obj(r.resolved, 'ResponseHeadersPolicyConfig');
    const security = obj(config, 'SecurityHeadersConfig');
    const headers: Record<string, string> = {};
    const csp = optStr(obj(security, 'ContentSecurityPolicy'), 'ContentSecurityPolicy');
    if (csp !== undefined) headers['Content-Security-Policy'] = csp;
    const hsts = obj(security, 'StrictTransportSecurity');
    const maxAge = optNum(hsts, 'AccessControlMaxAgeSec', r.logicalId);
    if (maxAge !== undefined) {
      headers['Strict-Transport-Security'] = [
        `max-age=${maxAge}`,
        ...(bool(hsts, 'IncludeSubdomains', false) ? ['includeSubDomains'] : []),
        ...(bool(hsts, 'Preload', false) ? ['preload'] : []),
      ].join('; ');
    }
    if (security.ContentTypeOptions !== undefined) headers['X-Content-Type-Options'] = 'nosniff';
    const frame = optStr(obj(security, 'FrameOptions'), 'FrameOption');
    if (frame !== undefined) headers['X-Frame-Options'] = frame;
    const referrer = optStr(obj(security, 'ReferrerPolicy'), 'ReferrerPolicy');
    if (referrer !== undefined) headers['Referrer-Policy'] = referrer;
    const xss = obj(security, 'XSSProtection');
    if (xss.Protection !== undefined) {
      headers['X-XSS-Protection'] = bool(xss, 'Protection', false)
        ? [
            '1',
            ...(bool(xss, 'ModeBlock', false) ? ['mode=block'] : []),
            ...(optStr(xss, 'ReportUri') ? [`report=${optStr(xss, 'ReportUri')}`] : []),
          ].join('; ')
        : '0';
    }
    for (const item of list(obj(config, 'CustomHeadersConfig'), 'Items') as Props[]) {
      headers[str(item, 'Header', r.logicalId)] = str(item, 'Value', r.logicalId);
    }
    const id = ctx.provisioned.get(r.logicalId)?.physical.ref;
    if (id !== undefined) out.set(id, headers);
  }
  return out;
}
