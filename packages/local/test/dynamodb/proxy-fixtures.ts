import { DynamoDBClient, type DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import type { DynamoDbProxy, ProxiedRequest } from '../../src/dynamodb';
import type { AuthorizationDecision, AuthorizationRequest, LocalPrincipal } from '../../src/iam/types';
import type { PolicyStatement } from '../../src/template/types';

export const ACCOUNT = '111111111111';

/**
 * TEST DOUBLE for the IAM evaluator (the real LocalIam is built elsewhere):
 * Allow and Deny statements with an exact action or `dynamodb:*`, an exact
 * resource or one ending in `*` (`…/index/*`), no conditions. It records every
 * question the proxy asks, which is what these tests are about.
 */
export class TestIam {
  public readonly asked: AuthorizationRequest[] = [];
  private readonly principals = new Map<string, LocalPrincipal>();

  public role(name: string, ...statements: PolicyStatement[]): LocalPrincipal {
    const accessKeyId = `AKIA${name.toUpperCase()}`;
    const principal: LocalPrincipal = {
      roleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
      sessionArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/fn`,
      account: ACCOUNT,
      identityPolicies: [{ Version: '2012-10-17', Statement: statements }],
      credentials: { accessKeyId, secretAccessKey: 'secret' },
    };
    this.principals.set(accessKeyId, principal);
    return principal;
  }

  /** Reads the access key id of the SigV4 Authorization header; verifies no signature. */
  public readonly authenticate = (request: ProxiedRequest): LocalPrincipal | undefined => {
    const match = /Credential=([^/]+)\//.exec(String(request.headers.authorization));
    return match?.[1] === undefined ? undefined : this.principals.get(match[1]);
  };

  public readonly authorize = (request: AuthorizationRequest): AuthorizationDecision => {
    this.asked.push(request);
    const statements = (request.principal?.identityPolicies ?? []).flatMap((p) => [p.Statement].flat());
    const matching = statements.filter(
      (s) => matches(s.Action, request.action) && matches(s.Resource, request.resource),
    );
    if (matching.some((s) => s.Effect === 'Deny')) return { allowed: false, result: 'explicit_deny' };
    if (matching.some((s) => s.Effect === 'Allow')) return { allowed: true, result: 'allowed' };
    return { allowed: false, result: 'implicit_deny' };
  };

  /** The (action, resource) pairs asked for one principal. */
  public askedFor(principal: LocalPrincipal): string[] {
    return this.asked.filter((r) => r.principal === principal).map((r) => `${r.action} ${r.resource}`);
  }
}

function matches(patterns: string | readonly string[] | undefined, value: string): boolean {
  return [patterns ?? []]
    .flat()
    .some((p) => (p.endsWith('*') ? value.startsWith(p.slice(0, -1)) : p === value));
}

export function allow(action: string | string[], resource: string | string[]): PolicyStatement {
  return { Effect: 'Allow', Action: action, Resource: resource };
}

export const REGION = 'us-east-1';
export const ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table`;

export function clientAs(proxy: DynamoDbProxy, principal: LocalPrincipal, maxAttempts = 1): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: proxy.endpoint,
    region: REGION,
    credentials: principal.credentials,
    maxAttempts,
  });
}

export async function rejectionOf(promise: Promise<unknown>): Promise<DynamoDBServiceException> {
  try {
    await promise;
  } catch (err) {
    return err as DynamoDBServiceException;
  }
  throw new Error('the call succeeded');
}
