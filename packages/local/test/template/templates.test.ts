import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type KeyProvider, loadTemplate, type TableProvider, TemplateError } from '../../src/template';
import { writeAssembly } from './fixtures';

/** These templates have no keys or tables: the providers are never asked. */
const noKeys: KeyProvider = new Proxy({} as KeyProvider, {
  get: () => () => Promise.reject(new Error('this template has no keys')),
});
const noTables: TableProvider = {
  ensureTable: () => Promise.reject(new Error('this template has no tables')),
};

const HASH = 'a'.repeat(64);
const role = {
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: {
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    },
  },
};
const fn = (env: Record<string, unknown> = {}) => ({
  Type: 'AWS::Lambda::Function',
  Properties: {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
    Code: { S3Bucket: { 'Fn::Sub': 'cdk-assets-${AWS::AccountId}-${AWS::Region}' }, S3Key: `${HASH}.zip` },
    Handler: 'index.handler',
    Runtime: 'nodejs22.x',
    Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
    Environment: { Variables: env },
  },
});

describe('Function: loadTemplate (hand-written templates)', () => {
  const dirs: string[] = [];
  const load = (
    template: Record<string, unknown>,
    options: { assets?: Record<string, boolean>; parameters?: Record<string, string> } = {},
  ) => {
    const dir = writeAssembly(template, { assets: options.assets ?? { [HASH]: true } });
    dirs.push(dir);
    return loadTemplate({
      assemblyDir: dir,
      stackName: 'Test-dev',
      keys: noKeys,
      tables: noTables,
      ...(options.parameters !== undefined ? { parameters: options.parameters } : {}),
    });
  };

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('loads a function with its defaults, its asset and its role', async () => {
    const t = await load({ Resources: { Role: role, Fn: fn({ STACK: { Ref: 'AWS::StackName' } }) } });

    expect(t.functions).toEqual([
      expect.objectContaining({
        logicalId: 'Fn',
        functionName: 'Test-dev-Fn',
        memorySize: 128,
        timeoutSeconds: 3,
        environment: { STACK: 'Test-dev' },
        roleArn: 'arn:aws:iam::111111111111:role/Test-dev-Role',
      }),
    ]);
    expect(t.functions[0]?.assetDir).toContain(`asset.${HASH}`);
  });

  it('throws naming the function when its asset directory is missing', async () => {
    await expect(
      load({ Resources: { Role: role, Fn: fn() } }, { assets: { [HASH]: false } }),
    ).rejects.toThrow(
      new TemplateError(
        'Fn',
        `asset directory ${join(dirs.at(-1) ?? '', `asset.${HASH}`)} is missing: synthesize again`,
      ),
    );
  });

  it('throws naming the resource when a GetAtt names a resource that does not exist', async () => {
    const template = { Resources: { Role: role, Fn: fn({ QUEUE: { 'Fn::GetAtt': ['Queue', 'Arn'] } }) } };

    await expect(load(template)).rejects.toThrow(
      new TemplateError('Fn', 'Fn::GetAtt Queue.Arn: no resource or parameter Queue in the template'),
    );
  });

  it('throws naming a required parameter that has no value, and resolves it when given', async () => {
    const template = {
      Parameters: { AdminArn: { Type: 'String' } },
      Resources: { Role: role, Fn: fn({ ADMIN: { Ref: 'AdminArn' } }) },
    };

    await expect(load(template)).rejects.toThrow(
      new TemplateError('AdminArn', 'parameter has no value and no default: pass its value'),
    );
    const t = await load(template, { parameters: { AdminArn: 'arn:aws:iam::111111111111:role/Admin' } });
    expect(t.functions[0]?.environment.ADMIN).toBe('arn:aws:iam::111111111111:role/Admin');
    expect(t.parameters.AdminArn).toBe('arn:aws:iam::111111111111:role/Admin');
  });

  it('throws for a parameter the template does not declare', async () => {
    await expect(load({ Resources: { Role: role } }, { parameters: { Nope: 'x' } })).rejects.toThrow(
      new TemplateError('Nope', 'parameter is not declared in the template'),
    );
  });

  it('creates only the resources whose condition holds and picks Fn::If branches', async () => {
    const template = {
      Parameters: { Env: { Type: 'String', Default: 'dev', AllowedValues: ['dev', 'prod'] } },
      Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
      Resources: {
        Role: role,
        ProdOnlyRole: { ...role, Condition: 'IsProd' },
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            ...fn({ LEVEL: { 'Fn::If': ['IsProd', 'WARN', 'DEBUG'] } }).Properties,
            MemorySize: { 'Fn::If': ['IsProd', 1024, { Ref: 'AWS::NoValue' }] },
          },
        },
      },
      Outputs: {
        Level: { Value: { 'Fn::If': ['IsProd', 'prod', 'dev'] } },
        ProdRole: { Condition: 'IsProd', Value: { Ref: 'ProdOnlyRole' } },
      },
    };

    const dev = await load(template);
    const prod = await load(template, { parameters: { Env: 'prod' } });

    expect(dev.roles.map((r) => r.logicalId)).toEqual(['Role']);
    expect(dev.functions[0]).toMatchObject({ memorySize: 128, environment: { LEVEL: 'DEBUG' } });
    expect(dev.outputs).toEqual({ Level: 'dev' });
    expect(prod.roles.map((r) => r.logicalId).sort()).toEqual(['ProdOnlyRole', 'Role']);
    expect(prod.functions[0]).toMatchObject({ memorySize: 1024, environment: { LEVEL: 'WARN' } });
    expect(prod.outputs).toEqual({ Level: 'prod', ProdRole: 'Test-dev-ProdOnlyRole' });
  });

  it('lists a resource type it does not know in unsupported, and still resolves references to it', async () => {
    const template = {
      Resources: {
        Role: role,
        Thing: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 1 } },
        Fn: fn({ STREAM: { Ref: 'Thing' }, STREAM_ARN: { 'Fn::GetAtt': ['Thing', 'Arn'] } }),
      },
    };

    const t = await load(template);

    expect(t.unsupported).toEqual([
      {
        logicalId: 'Thing',
        type: 'AWS::Kinesis::Stream',
        reason: 'AWS::Kinesis::Stream is not modelled by the local cloud',
      },
    ]);
    expect(t.functions[0]?.environment.STREAM).toMatch(/^Test-dev-Thing-/);
    expect(t.functions[0]?.environment.STREAM_ARN).toMatch(
      /^arn:aws:kinesis:eu-west-1:111111111111:stream\/Test-dev-Thing-/,
    );
  });

  it('throws naming a resource in a dependency cycle', async () => {
    const template = {
      Resources: {
        A: { ...role, DependsOn: 'B' },
        B: { ...role, DependsOn: ['A'] },
      },
    };

    await expect(load(template)).rejects.toThrow(/circular dependency: (A -> B -> A|B -> A -> B)/);
  });

  it('attaches AWS::IAM::Policy and ManagedPolicy documents to the roles they name', async () => {
    const statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
    const template = {
      Resources: {
        Role: {
          ...role,
          Properties: {
            ...role.Properties,
            Policies: [{ PolicyName: 'inline', PolicyDocument: { Statement: [statement] } }],
            ManagedPolicyArns: [
              // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
              { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess' },
              { Ref: 'Listed' },
            ],
          },
        },
        Attached: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: 'attached',
            Roles: [{ Ref: 'Role' }],
            PolicyDocument: { Statement: [statement] },
          },
        },
        Listed: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { ManagedPolicyName: 'listed', PolicyDocument: { Statement: [statement] } },
        },
      },
    };

    const t = await load(template);

    expect(t.roles[0]?.policies.map((p) => p.name).sort()).toEqual(['attached', 'inline', 'listed']);
    expect(t.roles[0]?.managedPolicyArns).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
  });

  it('models a distribution: cache behaviours before the default, origins, allowed methods, security headers', async () => {
    const apiUrl = {
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: 'Api' },
          '.execute-api.eu-west-1.',
          { Ref: 'AWS::URLSuffix' },
          '/',
          { Ref: 'Stage' },
          '/',
        ],
      ],
    };
    const template = {
      Resources: {
        Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'api' } },
        Deployment: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'Api' } } },
        Stage: {
          Type: 'AWS::ApiGateway::Stage',
          Properties: { RestApiId: { Ref: 'Api' }, DeploymentId: { Ref: 'Deployment' }, StageName: 'v1' },
        },
        Bucket: { Type: 'AWS::S3::Bucket' },
        Headers: {
          Type: 'AWS::CloudFront::ResponseHeadersPolicy',
          Properties: {
            ResponseHeadersPolicyConfig: {
              Name: 'headers',
              SecurityHeadersConfig: {
                ContentSecurityPolicy: { ContentSecurityPolicy: "default-src 'self'", Override: true },
                ContentTypeOptions: { Override: true },
                FrameOptions: { FrameOption: 'DENY', Override: true },
                ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
                StrictTransportSecurity: {
                  AccessControlMaxAgeSec: 31536000,
                  IncludeSubdomains: true,
                  Preload: true,
                  Override: true,
                },
              },
            },
          },
        },
        Distribution: {
          Type: 'AWS::CloudFront::Distribution',
          Properties: {
            DistributionConfig: {
              DefaultRootObject: 'index.html',
              Origins: [
                {
                  Id: 'site',
                  DomainName: { 'Fn::GetAtt': ['Bucket', 'RegionalDomainName'] },
                  S3OriginConfig: {},
                },
                {
                  Id: 'api',
                  DomainName: { 'Fn::Select': [2, { 'Fn::Split': ['/', apiUrl] }] },
                  OriginPath: '',
                },
              ],
              CacheBehaviors: [
                { PathPattern: '/v1/*', TargetOriginId: 'api', AllowedMethods: ['GET', 'HEAD', 'POST'] },
              ],
              DefaultCacheBehavior: { TargetOriginId: 'site', ResponseHeadersPolicyId: { Ref: 'Headers' } },
            },
          },
        },
      },
    };

    const t = await load(template);

    expect(t.distributions).toEqual([
      {
        logicalId: 'Distribution',
        defaultRootObject: 'index.html',
        behaviors: [
          {
            pathPattern: '/v1/*',
            origin: { kind: 'api', restApiLogicalId: 'Api', originPath: '' },
            allowedMethods: ['GET', 'HEAD', 'POST'],
            responseHeaders: {},
          },
          {
            pathPattern: '*',
            origin: { kind: 'bucket', bucketLogicalId: 'Bucket', originPath: '' },
            allowedMethods: ['GET', 'HEAD'],
            responseHeaders: {
              'Content-Security-Policy': "default-src 'self'",
              'Strict-Transport-Security': 'max-age=31536000; includeSubDomains; preload',
              'X-Content-Type-Options': 'nosniff',
              'X-Frame-Options': 'DENY',
              'Referrer-Policy': 'no-referrer',
            },
          },
        ],
      },
    ]);
    expect(t.restApis[0]).toMatchObject({ logicalId: 'Api', name: 'api', stageName: 'v1', methods: [] });
  });

  it('throws naming the stack when it is not in the assembly', async () => {
    const dir = writeAssembly({ Resources: {} });
    dirs.push(dir);

    await expect(
      loadTemplate({ assemblyDir: dir, stackName: 'Other', keys: noKeys, tables: noTables }),
    ).rejects.toThrow(/^Other: no such stack in .*manifest\.json \(stacks: Test-dev\)$/);
  });
});
