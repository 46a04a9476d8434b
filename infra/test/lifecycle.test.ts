import { App, aws_iam as iam, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../app/app';
import { Vault, type VaultProps } from '../src/vault';

const ADMIN = 'arn:aws:iam::123456789012:role/KeyAdmin';

/** Properties that give a resource a physical name of the caller's choosing. */
const NAME_PROPERTIES = [
  'LogGroupName',
  'BucketName',
  'TableName',
  'RoleName',
  'FunctionName',
  'TopicName',
  'AliasName',
  'Name',
] as const;

/** The types whose data outlives the stack: they follow the Vault's removalPolicy. */
const STATEFUL_TYPES = ['AWS::KMS::Key', 'AWS::DynamoDB::Table', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket'];

type Resource = {
  Type: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties?: Record<string, unknown>;
};

/** GIVEN a Vault with every optional part (WAF, web vault) and these props, WHEN it synthesises. */
function resources(props: Partial<VaultProps> = {}): Record<string, Resource> {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  new Vault(stack, 'Vault', {
    keyAdmins: [new iam.ArnPrincipal(ADMIN)],
    api: { waf: true },
    webVault: true,
    ...props,
  });
  return Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
}

const RETAINED = new Set(['Retain', 'RetainExceptOnCreate']);

/** `logicalId.Property` for every name property of a retained resource that stays the same across stack creations. */
function fixedNamesOfRetained(all: Record<string, Resource>): string[] {
  return Object.entries(all)
    .filter(([, r]) => RETAINED.has(r.DeletionPolicy ?? ''))
    .flatMap(([id, r]) =>
      NAME_PROPERTIES.filter((p) => r.Properties?.[p] !== undefined)
        // A name that takes in the stack's id (a new UUID per stack creation) differs on every create.
        .filter((p) => !JSON.stringify(r.Properties?.[p]).includes('AWS::StackId'))
        .map((p) => `${id}.${p}`),
    );
}

describe('Function: stackRemovalPolicy (what a failed first create leaves behind)', () => {
  it('retains the stateful resources on delete and replacement, but not when their first create rolls back', () => {
    // GIVEN the default removalPolicy (RETAIN)
    const all = resources();

    // WHEN the stateful resources are listed
    const stateful = Object.values(all).filter((r) => STATEFUL_TYPES.includes(r.Type));

    // THEN each is RetainExceptOnCreate, Retain on replacement
    expect(stateful.length).toBeGreaterThanOrEqual(10);
    for (const r of stateful) {
      expect({ type: r.Type, deletion: r.DeletionPolicy, replace: r.UpdateReplacePolicy }).toEqual({
        type: r.Type,
        deletion: 'RetainExceptOnCreate',
        replace: 'Retain',
      });
    }
    expect(Object.values(all).filter((r) => r.DeletionPolicy === 'Retain')).toEqual([]);
  });

  it('maps an explicit RETAIN the same way, and lets DESTROY delete everything', () => {
    // GIVEN
    const retained = resources({ removalPolicy: RemovalPolicy.RETAIN });
    const destroyed = resources({ removalPolicy: RemovalPolicy.DESTROY });

    // THEN
    expect(Object.values(retained).filter((r) => r.DeletionPolicy === 'Retain')).toEqual([]);
    for (const r of Object.values(destroyed).filter((r) => STATEFUL_TYPES.includes(r.Type))) {
      expect([r.Type, r.DeletionPolicy, r.UpdateReplacePolicy]).toEqual([r.Type, 'Delete', 'Delete']);
    }
  });

  it('makes the staging and prod stacks retain on delete, except on a failed first create', () => {
    // GIVEN the app's environments
    const app = buildApp(new App());

    for (const env of ['staging', 'prod']) {
      // WHEN
      const all = Template.fromStack(app.node.findChild(`Kmsvault-${env}`) as Stack).toJSON()
        .Resources as Record<string, Resource>;

      // THEN
      const tables = Object.values(all).filter((r) => r.Type === 'AWS::DynamoDB::Table');
      expect(tables.map((t) => t.DeletionPolicy)).toEqual(['RetainExceptOnCreate', 'RetainExceptOnCreate']);
      expect(Object.values(all).filter((r) => r.DeletionPolicy === 'Retain')).toEqual([]);
      expect(fixedNamesOfRetained(all)).toEqual([]);
    }
  });
});

describe('Function: retainableName (no retained resource blocks a re-create)', () => {
  it('gives no retained resource a name that is the same on the next create of the stack', () => {
    // GIVEN a Vault with WAF (whose log group must be named) and the web vault
    const all = resources();

    // THEN
    expect(Object.values(all).some((r) => RETAINED.has(r.DeletionPolicy ?? ''))).toBe(true);
    expect(fixedNamesOfRetained(all)).toEqual([]);
  });

  it('names the WAF log group aws-waf-logs-, then the vault, then the stack id', () => {
    // GIVEN
    const all = resources();
    const wafLogs = Object.entries(all).find(
      ([id, r]) => r.Type === 'AWS::Logs::LogGroup' && id.startsWith('VaultWebAclLogs'),
    );

    // WHEN its name is joined
    const name = wafLogs?.[1].Properties?.LogGroupName as { 'Fn::Join': [string, unknown[]] };
    const [first, ...rest] = name['Fn::Join'][1];

    // THEN WAF accepts it (the prefix), and it changes with the stack's id (a UUID per stack creation)
    expect(first).toMatch(/^aws-waf-logs-kmsvault-TestVault[A-Za-z0-9]+-$/);
    expect(JSON.stringify(rest)).toContain('"Ref":"AWS::StackId"');
  });
});
