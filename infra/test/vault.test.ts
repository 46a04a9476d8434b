import { ROUTES } from '@kmsvault/core';
import { App, Duration, aws_iam as iam, Stack, aws_sns as sns } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../app/app';
import { ENVIRONMENTS, resolveEnvironment } from '../app/config';
import {
  KMS_ADMIN_ACTIONS,
  PASSWORD_KEY_HMAC_ACTIONS,
  PASSWORD_KEY_RSA_ACTIONS,
  SIGNING_KEY_SIGN_ACTIONS,
  TABLE_KEY_USER_ACTIONS,
} from '../src/constants';
import { PasswordStrategy, Vault, type VaultProps } from '../src/vault';

const ADMIN = 'arn:aws:iam::123456789012:role/KeyAdmin';

/** GIVEN a stack with a Vault of these props, WHEN it synthesises. */
function synth(props: Partial<VaultProps> = {}): { stack: Stack; vault: Vault; template: Template } {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vault = new Vault(stack, 'Vault', { keyAdmins: [new iam.ArnPrincipal(ADMIN)], ...props });
  return { stack, vault, template: Template.fromStack(stack) };
}

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Principal?: unknown;
  Condition?: unknown;
};

function keyStatements(
  template: Template,
  stack: Stack,
  key: { node: { defaultChild?: unknown } },
): Statement[] {
  const id = stack.getLogicalId(key.node.defaultChild as never);
  return (template.toJSON().Resources[id].Properties.KeyPolicy.Statement as Statement[]) ?? [];
}

function principalOf(statement: Statement): string {
  return JSON.stringify(statement.Principal);
}

function roleRef(stack: Stack, role: iam.IRole): string {
  return stack.getLogicalId((role as iam.Role).node.defaultChild as never);
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? [...s.Action] : [s.Action]).sort();

describe('Class: Vault', () => {
  describe('key policies', () => {
    const { stack, vault, template } = synth();
    const roles = (vault as unknown as { roles: Record<string, iam.Role> }).roles;
    const keys = {
      vault: vault.vaultKey,
      password: vault.passwordKey,
      signing: vault.signingKey,
      table: vault.tableKey,
    };

    it.each(Object.keys(keys))(
      'gives the %s key administrators management actions only, and nobody kms:*',
      (name) => {
        // THEN
        const statements = keyStatements(template, stack, keys[name as keyof typeof keys]);
        const admin = statements.find((s) => s.Sid === 'KeyAdministration') as Statement;
        expect(actionsOf(admin)).toEqual([...KMS_ADMIN_ACTIONS].sort());
        expect(principalOf(admin)).toContain(ADMIN);
        for (const action of admin.Action)
          expect(action).not.toMatch(
            /^kms:(Decrypt|Encrypt|GenerateDataKey|Sign|Verify|GenerateMac|VerifyMac|ReEncrypt)/,
          );
        expect(statements.flatMap(actionsOf)).not.toContain('kms:*');
      },
    );

    it('grants each function role exactly its actions on each key', () => {
      // THEN
      const granted = (key: keyof typeof keys, role: string) =>
        keyStatements(template, stack, keys[key])
          .filter((s) => principalOf(s).includes(roleRef(stack, roles[role] as iam.Role)))
          .flatMap(actionsOf)
          .sort();
      // user keys (signup, and login for rsa records) and the service keys (login-throttle HMAC key)
      expect(granted('vault', 'auth')).toEqual([
        'kms:Decrypt',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'kms:GenerateDataKey',
      ]);
      expect(granted('vault', 'secrets')).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
      expect(granted('vault', 'authorizer')).toEqual([]);
      expect(granted('password', 'auth')).toEqual([...PASSWORD_KEY_HMAC_ACTIONS].sort());
      expect(granted('password', 'secrets')).toEqual([]);
      expect(granted('password', 'authorizer')).toEqual([]);
      expect(granted('signing', 'auth')).toEqual([...SIGNING_KEY_SIGN_ACTIONS].sort());
      expect(granted('signing', 'authorizer')).toEqual(['kms:GetPublicKey']);
      expect(granted('signing', 'secrets')).toEqual([]);
      expect(granted('table', 'auth')).toEqual([...TABLE_KEY_USER_ACTIONS].sort());
      expect(granted('table', 'secrets')).toEqual([...TABLE_KEY_USER_ACTIONS].sort());
      expect(granted('table', 'authorizer')).toEqual([]);
    });

    it('binds user-key use to the encryption context and table-key use to DynamoDB', () => {
      const vaultStatements = keyStatements(template, stack, vault.vaultKey).filter(
        (s) => !s.Sid?.endsWith('KeyAdministration') && s.Sid !== 'SecretsDescribesForHealth',
      );
      for (const s of vaultStatements) {
        const purpose = s.Sid === 'AuthUsesServiceKeys' ? 'service-key' : 'user-key';
        expect(s.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:purpose': purpose } });
      }
      const tableStatements = keyStatements(template, stack, vault.tableKey).filter(
        (s) => !s.Sid?.endsWith('KeyAdministration'),
      );
      for (const s of tableStatements) {
        expect(JSON.stringify(s.Condition)).toContain('kms:ViaService');
      }
    });

    it('makes the keys per DESIGN.md: symmetric ones rotate; HMAC_256 password key by default, P-256 signing key', () => {
      // vault, table, alarm topic and logs keys
      template.resourcePropertiesCountIs(
        'AWS::KMS::Key',
        { KeySpec: 'SYMMETRIC_DEFAULT', EnableKeyRotation: true },
        4,
      );
      template.hasResourceProperties('AWS::KMS::Key', {
        KeySpec: 'HMAC_256',
        KeyUsage: 'GENERATE_VERIFY_MAC',
      });
      template.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    });
  });

  it('adds the account root statement only when trustAccountRoot is set', () => {
    const { stack, vault, template } = synth({ trustAccountRoot: true });
    const root = keyStatements(template, stack, vault.vaultKey).find(
      (s) => s.Sid === 'AccountRoot',
    ) as Statement;
    expect(root.Action).toBe('kms:*');
    expect(JSON.stringify(root.Principal)).toContain(':root');
  });

  it('uses an RSA_3072 password key with GetPublicKey and Decrypt under the rsa strategy', () => {
    const { stack, vault, template } = synth({ passwordStrategy: PasswordStrategy.RSA });
    template.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'RSA_3072', KeyUsage: 'ENCRYPT_DECRYPT' });
    const auth = keyStatements(template, stack, vault.passwordKey).find(
      (s) => s.Sid === 'AuthChecksPasswords',
    ) as Statement;
    expect(actionsOf(auth)).toEqual([...PASSWORD_KEY_RSA_ACTIONS].sort());
  });

  it("takes the strategy as the string a JavaScript caller passes ('rsa', the enum's value)", () => {
    const { template } = synth({ passwordStrategy: 'rsa' as PasswordStrategy });
    template.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'RSA_3072', KeyUsage: 'ENCRYPT_DECRYPT' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PASSWORD_STRATEGY: 'rsa' }) },
    });
  });

  it('turns off API Gateway authorizer caching and lets the authorizer read session records only', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { AuthorizerResultTtlInSeconds: 0 });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [Match.objectLike({ Action: 'dynamodb:GetItem', Effect: 'Allow' })],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('AuthorizerRole') }],
    });
  });

  describe('table', () => {
    it('is encrypted with the table key, with PITR, TTL, the beacon index and deletion protection by default', () => {
      const { stack, vault, template } = synth();
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: {
            'Fn::GetAtt': [stack.getLogicalId(vault.tableKey.node.defaultChild as never), 'Arn'],
          },
        },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        DeletionProtectionEnabled: true,
        GlobalSecondaryIndexes: [
          Match.objectLike({ IndexName: 'beacon', Projection: { ProjectionType: 'KEYS_ONLY' } }),
        ],
      });
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      });
      template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'RetainExceptOnCreate' });
    });
  });

  describe('functions', () => {
    const { template } = synth();

    it('runs three arm64 Node.js 24 functions with tracing, sized for the work', () => {
      template.resourcePropertiesCountIs(
        'AWS::Lambda::Function',
        { Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } },
        3,
      );
      template.hasResourceProperties('AWS::Lambda::Function', {
        MemorySize: 1024,
        Environment: {
          Variables: Match.objectLike({
            POWERTOOLS_SERVICE_NAME: 'kmsvault-auth',
            PASSWORD_STRATEGY: 'hmac',
            KEY_CACHE_MAX_AGE_SECONDS: '300',
          }),
        },
      });
    });

    it('keeps function logs with a retention', () => {
      template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 365 }, 4);
    });

    it('has no inline IAM policy', () => {
      template.resourceCountIs('AWS::IAM::Policy', 0);
    });
  });

  describe('API', () => {
    const { template } = synth();
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map((m) => m.Properties);

    it('has one method per manifest route, the authorizer on every non-public one and none on public ones', () => {
      for (const route of ROUTES) {
        const method = methods.find((m) => m.OperationName === route.operationId);
        expect(method).toBeDefined();
        expect(method.HttpMethod).toBe(route.method);
        if (route.auth === 'bearer') {
          expect(method.AuthorizationType).toBe('CUSTOM');
          expect(method.AuthorizerId).toBeDefined();
        } else {
          expect(method.AuthorizationType).toBe('NONE');
          expect(method.AuthorizerId).toBeUndefined();
        }
      }
      expect(methods.filter((m) => m.HttpMethod !== 'OPTIONS')).toHaveLength(ROUTES.length);
    });

    it('documents request bodies with models made from the zod schemas, and leaves validation to the function', () => {
      // The function answers problem+json naming every field; API Gateway's validator would not.
      template.resourceCountIs('AWS::ApiGateway::RequestValidator', 0);
      const withBody = ROUTES.filter((r) => r.body !== undefined);
      for (const route of withBody) {
        const method = methods.find((m) => m.OperationName === route.operationId);
        expect(method.RequestValidatorId).toBeUndefined();
        expect(method.RequestModels['application/json']).toBeDefined();
      }
      // An item of any type: the anyOf of strict per-type variants (a login's needs only its name).
      template.hasResourceProperties('AWS::ApiGateway::Model', {
        Name: 'createSecretRequest',
        Schema: Match.objectLike({
          anyOf: Match.arrayWith([
            Match.objectLike({ type: 'object', required: ['name'], additionalProperties: false }),
          ]),
        }),
      });
    });

    it('logs access as JSON, logs execution, traces, and throttles the stage', () => {
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'v1',
        TracingEnabled: true,
        AccessLogSetting: Match.objectLike({ Format: Match.stringLikeRegexp('"requestId"') }),
        MethodSettings: [
          Match.objectLike({ LoggingLevel: 'INFO', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
        ],
      });
    });

    it('answers gateway errors as problem+json', () => {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'UNAUTHORIZED',
        ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
      });
    });

    it('has no web ACL unless asked', () => {
      template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    });
  });

  it('attaches a web ACL with managed rules and a rate rule on /v1/auth/ when waf is on', () => {
    const { template } = synth({ api: { waf: true, authRateLimit: 500 } });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({ Name: 'AWSManagedRulesCommonRuleSet' }),
        Match.objectLike({
          Name: 'AuthRateLimit',
          Statement: {
            RateBasedStatement: Match.objectLike({
              Limit: 500,
              ScopeDownStatement: { ByteMatchStatement: Match.objectLike({ SearchString: '/v1/auth/' }) },
            }),
          },
        }),
      ]),
    });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 1);
  });

  it('alarms on API 5xx, function errors and throttles, table throttles and dependency failures, to an encrypted topic', () => {
    const { template } = synth({ alarmEmail: 'ops@example.com' });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1 + 3 * 2 + 1 + 1 + 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      MetricTransformations: [Match.objectLike({ MetricName: 'DependencyFailures' })],
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('counts integrity_error security events in every function log group and alarms on the first one', () => {
    // GIVEN / WHEN
    const { stack, vault, template } = synth();

    // THEN: one metric filter per function log group on the event's message...
    const filters = template.findResources('AWS::Logs::MetricFilter', {
      Properties: {
        FilterPattern: '{ $.message = "integrity_error" }',
        MetricTransformations: [{ MetricName: 'IntegrityErrors', MetricValue: '1' }],
      },
    });
    const groups = Object.values(filters).map((f) => JSON.stringify(f.Properties.LogGroupName));
    const expected = Object.values(vault.functions).map((fn) =>
      JSON.stringify({ Ref: stack.getLogicalId(fn.logGroup.node.defaultChild as never) }),
    );
    expect(groups.sort()).toEqual(expected.sort());
    // ...and an alarm at one event in five minutes, to the alarm topic.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: { 'Fn::Join': ['/', ['kmsvault', { Ref: 'AWS::StackName' }, 'Vault']] },
      MetricName: 'IntegrityErrors',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: stack.getLogicalId(vault.alarmTopic.node.defaultChild as never) }],
    });
  });

  it('uses an existing alarm topic when given one', () => {
    const app = new App();
    const stack = new Stack(app, 'T');
    const topic = new sns.Topic(stack, 'Existing');
    new Vault(stack, 'Vault', { keyAdmins: [new iam.ArnPrincipal(ADMIN)], alarmTopic: topic });
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Topic', 1);
  });

  describe('props validation', () => {
    it.each<[string, Partial<VaultProps>, RegExp]>([
      [
        'keyAdmins is empty and the deployer opted out',
        { keyAdmins: [], deployerIsKeyAdmin: false },
        /invalid Vault prop keyAdmins: got \[\]; with deployerIsKeyAdmin: false nobody could manage the keys/,
      ],
      [
        'historyDepth is out of range',
        { historyDepth: 101 },
        /historyDepth: got 101; allowed: a whole number from 0 to 100/,
      ],
      ['historyDepth is fractional', { historyDepth: 2.5 }, /historyDepth: got 2.5/],
      [
        'keyCacheMaxAge is over an hour',
        { keyCacheMaxAge: Duration.hours(2) },
        /keyCacheMaxAge: got "2 hours"; allowed: 0 to 1 hour/,
      ],
      [
        'trashRetention is over a year',
        { trashRetention: Duration.days(400) },
        /trashRetention: got "400 days"/,
      ],
      [
        'passwordStrategy is unknown',
        { passwordStrategy: 'md5' as never },
        /passwordStrategy: got "md5"; allowed: 'rsa' or 'hmac'/,
      ],
      [
        'a CORS origin is not https',
        { api: { corsOrigins: ['http://x.example'] } },
        /api.corsOrigins: got "http:\/\/x.example"/,
      ],
      ['the throttling rate is zero', { api: { throttlingRateLimit: 0 } }, /api.throttlingRateLimit: got 0/],
      ['the WAF rate is under 100', { api: { authRateLimit: 10 } }, /api.authRateLimit: got 10/],
      [
        'the stage name is not the API version',
        { api: { stageName: 'prod' } },
        /invalid Vault prop api.stageName: got "prod"; the stage is the API version: only 'v1'/,
      ],
      ['alarmEmail is not an address', { alarmEmail: 'nobody' }, /alarmEmail: got "nobody"/],
    ])('fails if %s', (_name, props, message) => {
      expect(() => synth(props)).toThrow(message);
    });

    it('fails if both alarmEmail and alarmTopic are given', () => {
      const app = new App();
      const stack = new Stack(app, 'T');
      expect(
        () =>
          new Vault(stack, 'Vault', {
            keyAdmins: [new iam.ArnPrincipal(ADMIN)],
            alarmEmail: 'a@b.example',
            alarmTopic: new sns.Topic(stack, 'Topic'),
          }),
      ).toThrow(/give alarmEmail or alarmTopic, not both/);
    });
  });
});

describe('per-environment settings', () => {
  const templateOf = (env: string) => {
    const app = new App({ context: { env } });
    buildApp(app);
    return Template.fromStack(app.node.findChild(`Kmsvault-${env}`) as Stack);
  };

  it('retains data, protects deletion and turns WAF on in prod', () => {
    const prod = templateOf('prod');
    prod.hasResourceProperties('AWS::DynamoDB::Table', {
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    prod.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'RetainExceptOnCreate' });
    prod.resourceCountIs('AWS::WAFv2::WebACL', 1);
  });

  it('lets dev tables go with the stack, without WAF, and serves the web vault (the local stack runs it)', () => {
    const dev = templateOf('dev');
    dev.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    dev.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    dev.resourceCountIs('AWS::WAFv2::WebACL', 0);
    dev.resourceCountIs('AWS::CloudFront::Distribution', 1);
  });

  it('names the KeyAdminArns parameter and the CDK deployment role as key administrators', () => {
    const prod = templateOf('prod');
    prod.hasParameter('KeyAdminArns', { Type: 'CommaDelimitedList', AllowedPattern: Match.anyValue() });
    const keys = Object.values(
      prod.findResources('AWS::KMS::Key') as Record<
        string,
        { Properties: { KeyPolicy: { Statement: Statement[] } } }
      >,
    );
    expect(keys).toHaveLength(6);
    for (const key of keys) {
      const statements = key.Properties.KeyPolicy.Statement;
      expect(statements.find((s) => s.Sid === 'KeyAdministration')?.Principal).toEqual({
        AWS: { Ref: 'KeyAdminArns' },
      });
      expect(statements.find((s) => s.Sid === 'DeployerKeyAdministration')?.Principal).toEqual({
        AWS: {
          'Fn::Sub': `arn:\${AWS::Partition}:iam::333333333333:role/cdk-hnb659fds-cfn-exec-role-333333333333-eu-west-1`,
        },
      });
    }
    expect(JSON.stringify(prod.toJSON())).not.toContain('KmsvaultKeyAdmin');
  });

  it('fails with one clear error for an unknown environment or a missing setting', () => {
    expect(() => resolveEnvironment('qa')).toThrow(
      'environment "qa" is not configured; choose one of dev, staging, prod with -c env=NAME',
    );
    expect(() => resolveEnvironment(undefined)).toThrow(/not configured/);
    const noAccount = { x: { ...ENVIRONMENTS.dev, account: undefined } };
    expect(() => resolveEnvironment('x', {}, noAccount)).toThrow(
      'environment x: setting "account" is missing or not 12 digits (got undefined); set it in infra/app/config.ts or CDK_DEFAULT_ACCOUNT',
    );
    expect(resolveEnvironment('x', { CDK_DEFAULT_ACCOUNT: '444444444444' }, noAccount).account).toBe(
      '444444444444',
    );
    const noRegion = { y: { ...ENVIRONMENTS.dev, region: undefined } };
    expect(() => resolveEnvironment('y', {}, noRegion)).toThrow(/environment y: setting "region" is missing/);
  });
});

describe('Class: WebVault (webVault: true)', () => {
  const { template } = synth({ webVault: true });

  it('keeps the files in a private, versioned, TLS-only bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 's3/' }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('serves it through CloudFront with origin access control, HTTPS only and strict security headers', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        CacheBehaviors: Match.arrayWith([
          Match.objectLike({ PathPattern: '/v1/*', ViewerProtocolPolicy: 'https-only' }),
          Match.objectLike({ PathPattern: '/.well-known/*', ViewerProtocolPolicy: 'https-only' }),
        ]),
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: {
            ContentSecurityPolicy: Match.stringLikeRegexp("script-src 'self'"),
            Override: true,
          },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31536000 }),
        }),
      }),
    });
  });
});

describe('gateway responses under failure', () => {
  it('answers an authorizer failure (KMS unreachable) with 503 problem+json and Retry-After', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'AUTHORIZER_FAILURE',
      StatusCode: '503',
      ResponseParameters: {
        'gatewayresponse.header.Content-Type': "'application/problem+json'",
        'gatewayresponse.header.Retry-After': "'1'",
      },
    });
  });
});
