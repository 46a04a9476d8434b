import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { localDynamoDbClient, localKmsClient } from '../../src/clients';
import { DynamoDbLocal } from '../../src/dynamodb';
import { KmsEmulatorServer } from '../../src/kms';
import {
  type LocalTemplate,
  loadTemplate,
  readAssembly,
  SdkKeyProvider,
  SdkTableProvider,
} from '../../src/template';
import { devAssembly, unresolvedIntrinsics } from './fixtures';

type RawResource = { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> };
type TableProps = {
  KeySchema: unknown;
  GlobalSecondaryIndexes?: { IndexName: string }[];
  TimeToLiveSpecification: { AttributeName: string };
};
type FunctionProps = {
  Handler: string;
  Runtime: string;
  MemorySize?: number;
  Timeout?: number;
  Environment: { Variables: Record<string, unknown> };
};

/** The loader against the dev stack as `cdk synth` writes it today. */
describe('Function: loadTemplate (the synthesized dev stack)', () => {
  let kms: KmsEmulatorServer;
  let dynamodb: DynamoDbLocal;
  let kmsClient: KMSClient;
  let dynamoClient: DynamoDBClient;
  let assemblyDir: string;
  let raw: Record<string, RawResource>;
  let stateDir: string;
  let loaded: LocalTemplate;

  const ofType = (type: string) => Object.entries(raw).filter(([, r]) => r.Type === type);
  const load = () =>
    loadTemplate({
      assemblyDir,
      statePath: join(stateDir, 'stack-state.json'),
      // Deploy-time key administrators (the dev stack's KeyAdminArns has no default).
      parameters: { KeyAdminArns: 'arn:aws:iam::111111111111:role/kmsvault-local-key-admin' },
      keys: new SdkKeyProvider(kmsClient),
      tables: new SdkTableProvider(dynamoClient),
    });

  beforeAll(async () => {
    const [assembly, db] = await Promise.all([devAssembly(), DynamoDbLocal.start({})]);
    assemblyDir = assembly.outdir;
    dynamodb = db;
    kms = new KmsEmulatorServer({ region: 'eu-west-1' });
    await kms.start();
    kmsClient = localKmsClient(kms.endpoint);
    dynamoClient = localDynamoDbClient(dynamodb.endpoint);
    const stack = readAssembly(assemblyDir, 'Kmsvault-dev');
    raw = JSON.parse(readFileSync(stack.templateFile, 'utf8')).Resources;
    stateDir = mkdtempSync(join(tmpdir(), 'kmsvault-state-'));
    loaded = await load();
  }, 600_000);

  afterAll(async () => {
    kmsClient?.destroy();
    dynamoClient?.destroy();
    await kms?.stop();
    await dynamodb?.stop();
    if (stateDir !== undefined) rmSync(stateDir, { recursive: true, force: true });
  });

  it('leaves no intrinsic unresolved anywhere', () => {
    expect(unresolvedIntrinsics(loaded)).toEqual([]);
  });

  it('names the environment from the assembly', () => {
    expect(loaded.environment).toMatchObject({
      stackName: 'Kmsvault-dev',
      account: '111111111111',
      region: 'eu-west-1',
      deployerRoleArn: 'arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1',
    });
    expect(loaded.parameters.BootstrapVersion).toBeDefined();
  });

  it('creates every table in DynamoDB Local with its indexes and TTL', async () => {
    expect(loaded.tables.map((t) => t.logicalId).sort()).toEqual(
      ofType('AWS::DynamoDB::Table')
        .map(([id]) => id)
        .sort(),
    );
    for (const table of loaded.tables) {
      const props = raw[table.logicalId]?.Properties as TableProps;
      const { Table } = await dynamoClient.send(new DescribeTableCommand({ TableName: table.tableName }));
      const wantIndexes = (props.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort();
      expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(wantIndexes);
      expect(Table?.KeySchema).toEqual(props.KeySchema);
      const { TimeToLiveDescription } = await dynamoClient.send(
        new DescribeTimeToLiveCommand({ TableName: table.tableName }),
      );
      expect(table.ttlAttribute).toBe(props.TimeToLiveSpecification.AttributeName);
      expect(TimeToLiveDescription).toMatchObject({
        TimeToLiveStatus: 'ENABLED',
        AttributeName: table.ttlAttribute,
      });
    }
    const withGsi = loaded.tables.find((t) => (t.createTableInput.GlobalSecondaryIndexes ?? []).length > 0);
    expect(withGsi?.createTableInput.GlobalSecondaryIndexes?.[0]?.Projection?.ProjectionType).toBeDefined();
  });

  it('creates every key in the KMS emulator with its spec and resolved policy', async () => {
    expect(loaded.keys.map((k) => k.logicalId).sort()).toEqual(
      ofType('AWS::KMS::Key')
        .map(([id]) => id)
        .sort(),
    );
    for (const key of loaded.keys) {
      const { KeyMetadata } = await kmsClient.send(new DescribeKeyCommand({ KeyId: key.keyId }));
      expect(KeyMetadata).toMatchObject({ Arn: key.arn, KeySpec: key.keySpec, KeyUsage: key.keyUsage });
      expect(key.keySpec).toBe(raw[key.logicalId]?.Properties?.KeySpec ?? 'SYMMETRIC_DEFAULT');
      expect(JSON.stringify(key.policy)).toContain('"Statement"');
    }
    const roleArns = new Set(loaded.roles.map((r) => r.arn));
    const principals = loaded.keys.flatMap((k) =>
      [k.policy.Statement]
        .flat()
        .flatMap((s) => [s.Principal && s.Principal !== '*' ? s.Principal.AWS : []].flat()),
    );
    expect(principals.some((p) => roleArns.has(p as string))).toBe(true);
  });

  it('gives every function an existing asset, its role and an environment naming local resources', () => {
    expect(loaded.functions.map((f) => f.logicalId).sort()).toEqual(
      ofType('AWS::Lambda::Function')
        .map(([id]) => id)
        .sort(),
    );
    expect(loaded.functions).toHaveLength(3);
    const tableNames = new Set(loaded.tables.map((t) => t.tableName));
    const keyArns = new Set(loaded.keys.map((k) => k.arn));
    for (const fn of loaded.functions) {
      const props = raw[fn.logicalId]?.Properties as FunctionProps;
      expect(existsSync(join(fn.assetDir, `${fn.handler.split('.')[0]}.js`))).toBe(true);
      expect(fn).toMatchObject({
        handler: props.Handler,
        runtime: props.Runtime,
        memorySize: props.MemorySize ?? 128,
      });
      expect(fn.timeoutSeconds).toBe(props.Timeout ?? 3);
      expect(loaded.roles.map((r) => r.arn)).toContain(fn.roleArn);
      for (const [name, value] of Object.entries(props.Environment.Variables as Record<string, unknown>)) {
        const ref = (value as { Ref?: string }).Ref;
        const getAtt = (value as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'];
        if (ref !== undefined && raw[ref]?.Type === 'AWS::DynamoDB::Table')
          expect(tableNames).toContain(fn.environment[name]);
        if (getAtt !== undefined && raw[getAtt[0] as string]?.Type === 'AWS::KMS::Key')
          expect(keyArns).toContain(fn.environment[name]);
        if (typeof value === 'string') expect(fn.environment[name]).toBe(value);
      }
    }
  });

  it('gives each function role the policies the stack attaches to it', () => {
    const tableArns = loaded.tables.map((t) => t.arn);
    for (const fn of loaded.functions) {
      const role = loaded.roles.find((r) => r.arn === fn.roleArn);
      expect(role?.assumeRolePolicy).toBeDefined();
      const documents = JSON.stringify(role?.policies.map((p) => p.document));
      expect(tableArns.some((arn) => documents.includes(arn))).toBe(true);
    }
  });

  it('models the REST API: paths, integrations, stage, authorizer, validators, models, gateway responses', () => {
    expect(loaded.restApis).toHaveLength(1);
    const api = loaded.restApis[0] as LocalTemplate['restApis'][number];
    const [stage] = ofType('AWS::ApiGateway::Stage');
    expect(api.stageName).toBe(stage?.[1].Properties?.StageName);
    expect(api.methods).toHaveLength(ofType('AWS::ApiGateway::Method').length);
    const functionIds = new Set(loaded.functions.map((f) => f.logicalId));
    for (const method of api.methods) {
      // CDK's construct path spells the resource path: …/Api/Default/<path>/<METHOD>/Resource
      const cdkPath = String(raw[method.logicalId]?.Metadata?.['aws:cdk:path']);
      const fromPath = cdkPath.replace(/^.*\/Default(\/.*)?\/[A-Z]+\/Resource$/, '$1') || '/';
      expect(method.resourcePath).toBe(fromPath);
      expect(method.integration.type).toBe('AWS_PROXY');
      if (method.integration.type === 'AWS_PROXY')
        expect(functionIds).toContain(method.integration.functionLogicalId);
      if (method.authorizationType === 'CUSTOM')
        expect(api.authorizers.map((a) => a.id)).toContain(method.authorizerId);
      for (const model of Object.values(method.requestModels))
        expect(api.models.map((m) => m.name)).toContain(model);
    }
    const [authorizer] = ofType('AWS::ApiGateway::Authorizer');
    expect(api.authorizers).toHaveLength(1);
    expect(api.authorizers[0]?.resultTtlSeconds).toBe(
      authorizer?.[1].Properties?.AuthorizerResultTtlInSeconds ?? 300,
    );
    expect(functionIds).toContain(api.authorizers[0]?.functionLogicalId);
    expect(api.models.length).toBe(ofType('AWS::ApiGateway::Model').length);
    expect(
      api.models.every(
        (m) => (typeof m.schema === 'object' && m.schema.type !== undefined) || m.schema.anyOf !== undefined,
      ),
    ).toBe(true);
    expect(api.validators.length).toBe(ofType('AWS::ApiGateway::RequestValidator').length);
    expect(api.gatewayResponses.map((g) => g.responseType).sort()).toEqual(
      ofType('AWS::ApiGateway::GatewayResponse')
        .map(([, r]) => r.Properties?.ResponseType)
        .sort(),
    );
  });

  it('resolves the outputs to the local API id and stage', () => {
    const api = loaded.restApis[0];
    expect(Object.values(loaded.outputs)).toContain(
      `https://${api?.restApiId}.execute-api.eu-west-1.amazonaws.com/${api?.stageName}/`,
    );
  });

  it('lists every resource it does not run, once, with a reason', () => {
    const modelled = new Set([
      'AWS::DynamoDB::Table',
      'AWS::KMS::Key',
      'AWS::KMS::Alias',
      'AWS::IAM::Role',
      'AWS::IAM::Policy',
      'AWS::IAM::ManagedPolicy',
      'AWS::Lambda::Function',
      'AWS::CloudFront::Distribution',
      'AWS::CloudFront::ResponseHeadersPolicy',
    ]);
    const notRun = Object.entries(raw)
      .filter(([, r]) => !modelled.has(r.Type) && !r.Type.startsWith('AWS::ApiGateway::'))
      .map(([id]) => id);
    const apiAccount = ofType('AWS::ApiGateway::Account').map(([id]) => id);
    expect(loaded.unsupported.map((u) => u.logicalId).sort()).toEqual([...notRun, ...apiAccount].sort());
    expect(loaded.unsupported.every((u) => u.reason.length > 0)).toBe(true);
  });

  it('finds the same keys and tables on a restart (state file)', async () => {
    const again = await load();

    expect(again.keys.map((k) => [k.logicalId, k.keyId])).toEqual(
      loaded.keys.map((k) => [k.logicalId, k.keyId]),
    );
    expect(again.tables.map((t) => t.tableName)).toEqual(loaded.tables.map((t) => t.tableName));
  });
});
