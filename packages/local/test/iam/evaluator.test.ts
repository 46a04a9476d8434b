import { runSimulation } from '@cloud-copilot/iam-simulate';
import { evaluate, type LocalPrincipal, principalOf } from '../../src/iam';
import type { PolicyDocument, PolicyStatement } from '../../src/template/types';

/**
 * The evaluator on the key policies kmsvault's templates write (infra/src/keys.ts)
 * and AWS's documented examples: one test per KMS condition key we use.
 */

const ACCOUNT = '111122223333';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const AUTH_ROLE = `arn:aws:iam::${ACCOUNT}:role/AuthRole`;

const auth: LocalPrincipal = principalOf({ roleArn: AUTH_ROLE });
const withIdentity = (statement: Omit<PolicyStatement, 'Effect'> & { Effect?: 'Allow' | 'Deny' }) =>
  principalOf({
    roleArn: `arn:aws:iam::${ACCOUNT}:role/AppRole`,
    policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] }],
  });

function keyPolicy(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** The "Enable IAM User Permissions" statement of KMS's default key policy (AWS KMS docs, "Default key policy"). */
const ROOT: PolicyStatement = {
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
  Action: 'kms:*',
  Resource: '*',
};

function allowRole(actions: string | string[], condition?: PolicyStatement['Condition']): PolicyStatement {
  return {
    Effect: 'Allow',
    Principal: { AWS: AUTH_ROLE },
    Action: actions,
    Resource: '*',
    ...(condition !== undefined ? { Condition: condition } : {}),
  };
}

describe('Function: evaluate', () => {
  it('allows a role the key policy names, as its assumed-role session', () => {
    const decision = evaluate({
      principal: auth,
      action: 'kms:Decrypt',
      resource: KEY_ARN,
      resourcePolicy: keyPolicy(allowRole('kms:Decrypt')),
      context: {},
    });
    expect(decision).toEqual({ allowed: true, result: 'allowed' });
  });

  it('denies an action the key policy does not grant, naming the resource policy', () => {
    const decision = evaluate({
      principal: auth,
      action: 'kms:Encrypt',
      resource: KEY_ARN,
      resourcePolicy: keyPolicy(allowRole('kms:Decrypt')),
      context: {},
    });
    expect(decision).toEqual({ allowed: false, result: 'implicit_deny', deniedBy: 'resource' });
  });

  it('counts an identity-policy allow only when the key policy delegates to the account', () => {
    const app = withIdentity({ Action: 'kms:Encrypt', Resource: KEY_ARN });
    const request = { principal: app, action: 'kms:Encrypt', resource: KEY_ARN, context: {} };
    expect(evaluate({ ...request, resourcePolicy: keyPolicy(allowRole('kms:Decrypt')) }).allowed).toBe(false);
    expect(evaluate({ ...request, resourcePolicy: keyPolicy(ROOT) })).toEqual({
      allowed: true,
      result: 'allowed',
    });
  });

  it('denies through the root statement when the identity policy does not allow, naming the identity policy', () => {
    const app = withIdentity({ Action: 'kms:Decrypt', Resource: KEY_ARN });
    const decision = evaluate({
      principal: app,
      action: 'kms:Encrypt',
      resource: KEY_ARN,
      resourcePolicy: keyPolicy(ROOT),
      context: {},
    });
    expect(decision).toEqual({ allowed: false, result: 'implicit_deny', deniedBy: 'identity' });
  });

  it('lets an explicit deny in the key policy win over an allow', () => {
    const decision = evaluate({
      principal: auth,
      action: 'kms:Decrypt',
      resource: KEY_ARN,
      resourcePolicy: keyPolicy(allowRole('kms:*'), { ...allowRole('kms:Decrypt'), Effect: 'Deny' }),
      context: {},
    });
    expect(decision).toEqual({ allowed: false, result: 'explicit_deny', deniedBy: 'resource' });
  });

  it('lets an explicit deny in an identity policy win over the key policy', () => {
    const app = withIdentity({ Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' });
    const decision = evaluate({
      principal: app,
      action: 'kms:Decrypt',
      resource: KEY_ARN,
      resourcePolicy: keyPolicy({ ...allowRole('kms:Decrypt'), Principal: { AWS: app.roleArn } }),
      context: {},
    });
    expect(decision).toEqual({ allowed: false, result: 'explicit_deny', deniedBy: 'identity' });
  });

  it('denies a request without a principal', () => {
    const decision = evaluate({
      principal: undefined,
      action: 'kms:Decrypt',
      resource: KEY_ARN,
      resourcePolicy: keyPolicy({ ...ROOT, Principal: '*' }),
      context: {},
    });
    expect(decision.allowed).toBe(false);
  });

  it('evaluates actions on no resource against identity policies only', () => {
    const admin = principalOf({
      roleArn: `arn:aws:iam::${ACCOUNT}:role/Admin`,
      managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
    });
    expect(evaluate({ principal: admin, action: 'kms:CreateKey', resource: '*', context: {} }).allowed).toBe(
      true,
    );
    expect(evaluate({ principal: auth, action: 'kms:CreateKey', resource: '*', context: {} })).toEqual({
      allowed: false,
      result: 'implicit_deny',
      deniedBy: 'identity',
    });
  });

  describe('condition keys', () => {
    const purpose = keyPolicy(
      allowRole(['kms:Encrypt', 'kms:Decrypt'], {
        StringEquals: { 'kms:EncryptionContext:purpose': 'user-key' },
      }),
    );
    const decrypt = (context: Record<string, string | string[]>) =>
      evaluate({
        principal: auth,
        action: 'kms:Decrypt',
        resource: KEY_ARN,
        resourcePolicy: purpose,
        context,
      }).allowed;

    it('matches kms:EncryptionContext:<key> on its value', () => {
      expect(
        decrypt({ 'kms:EncryptionContext:purpose': 'user-key', 'kms:EncryptionContextKeys': ['purpose'] }),
      ).toBe(true);
      expect(
        decrypt({ 'kms:EncryptionContext:purpose': 'service-key', 'kms:EncryptionContextKeys': ['purpose'] }),
      ).toBe(false);
      expect(decrypt({})).toBe(false);
    });

    it('matches kms:EncryptionContextKeys as a set (ForAllValues)', () => {
      // AWS KMS docs, kms:EncryptionContextKeys: only these context keys are allowed.
      const policy = keyPolicy(
        allowRole('kms:Decrypt', {
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['purpose', 'user'] },
        }),
      );
      const run = (keys: string[]) =>
        evaluate({
          principal: auth,
          action: 'kms:Decrypt',
          resource: KEY_ARN,
          resourcePolicy: policy,
          context: { 'kms:EncryptionContextKeys': keys },
        }).allowed;
      expect(run(['purpose', 'user'])).toBe(true);
      expect(run(['purpose', 'tenant'])).toBe(false);
    });

    it('matches kms:MacAlgorithm', () => {
      const policy = keyPolicy(
        allowRole('kms:GenerateMac', { StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' } }),
      );
      const run = (algorithm: string) =>
        evaluate({
          principal: auth,
          action: 'kms:GenerateMac',
          resource: KEY_ARN,
          resourcePolicy: policy,
          context: { 'kms:MacAlgorithm': algorithm },
        }).allowed;
      expect(run('HMAC_SHA_256')).toBe(true);
      expect(run('HMAC_SHA_512')).toBe(false);
    });

    it('matches kms:ViaService and kms:CallerAccount together', () => {
      const policy = keyPolicy(
        allowRole('kms:Decrypt', {
          StringEquals: {
            'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com',
            'kms:CallerAccount': ACCOUNT,
          },
        }),
      );
      const run = (context: Record<string, string>) =>
        evaluate({
          principal: auth,
          action: 'kms:Decrypt',
          resource: KEY_ARN,
          resourcePolicy: policy,
          context,
        }).allowed;
      expect(
        run({ 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com', 'kms:CallerAccount': ACCOUNT }),
      ).toBe(true);
      expect(
        run({ 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com', 'kms:CallerAccount': '444455556666' }),
      ).toBe(false);
      expect(run({ 'kms:CallerAccount': ACCOUNT })).toBe(false);
    });

    it('matches kms:GrantIsForAWSResource as a Bool', () => {
      const policy = keyPolicy(
        allowRole('kms:CreateGrant', { Bool: { 'kms:GrantIsForAWSResource': 'true' } }),
      );
      const run = (value: string | undefined) =>
        evaluate({
          principal: auth,
          action: 'kms:CreateGrant',
          resource: KEY_ARN,
          resourcePolicy: policy,
          context: value === undefined ? {} : { 'kms:GrantIsForAWSResource': value },
        }).allowed;
      expect(run('true')).toBe(true);
      expect(run('false')).toBe(false);
      expect(run(undefined)).toBe(false);
    });

    it('matches aws:SourceAccount', () => {
      const policy = keyPolicy(
        allowRole('kms:GenerateDataKey*', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }),
      );
      const run = (account: string) =>
        evaluate({
          principal: auth,
          action: 'kms:GenerateDataKey',
          resource: KEY_ARN,
          resourcePolicy: policy,
          context: { 'aws:SourceAccount': account },
        }).allowed;
      expect(run(ACCOUNT)).toBe(true);
      expect(run('444455556666')).toBe(false);
    });
  });
});

describe('Function: runSimulation (patched)', () => {
  it('keeps kms:EncryptionContext:<key> in strict mode', async () => {
    const result = await runSimulation(
      {
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: keyPolicy(
          allowRole('kms:Decrypt', { StringEquals: { 'kms:EncryptionContext:purpose': 'user-key' } }),
        ),
        request: {
          principal: auth.sessionArn,
          action: 'kms:Decrypt',
          resource: { resource: KEY_ARN, accountId: ACCOUNT },
          contextVariables: { 'kms:EncryptionContext:purpose': 'user-key' },
        },
      },
      {},
    );
    expect(result.resultType).toBe('single');
    expect(result.resultType === 'single' && result.result.ignoredContextKeys).toEqual([]);
    expect(result.resultType === 'single' && result.overallResult).toBe('Allowed');
  });
});
