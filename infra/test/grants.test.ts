import { App, aws_dynamodb as dynamodb, aws_iam as iam, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { addNagPacks } from '../app/app';
import { Vault } from '../src/vault';
import { acknowledgeDefaultChoices } from './nag-support';

const ADMIN = 'arn:aws:iam::123456789012:role/KeyAdmin';

type Statement = { Action: string | string[]; Principal?: unknown; Resource?: unknown };
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** GIVEN a platform team's stack with a Vault (no account-root trust) and what `consume` adds, WHEN it synthesises. */
function synth(consume: (stack: Stack, vault: Vault) => void = () => {}): {
  stack: Stack;
  vault: Vault;
  template: Template;
} {
  const app = new App();
  const stack = new Stack(app, 'Grants', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vault = new Vault(stack, 'Vault', { keyAdmins: [new iam.ArnPrincipal(ADMIN)] });
  consume(stack, vault);
  return { stack, vault, template: Template.fromStack(stack) };
}

const idOf = (stack: Stack, c: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(c.node.defaultChild as never);
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? [...s.Action] : [s.Action]).sort();

/** The statements of every managed policy attached to the role with this logical id. */
function managedStatementsOf(template: Template, roleId: string): Statement[] {
  return Object.values(template.toJSON().Resources as Resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::ManagedPolicy' &&
        JSON.stringify(r.Properties.Roles ?? []).includes(`"${roleId}"`),
    )
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

describe('Class: Vault (grants)', () => {
  it("lets functions.secrets.addToRolePolicy and a grant to a function reach the function's role", () => {
    // GIVEN a platform team's own table, WHEN it adds a statement and a grant to the vault's functions
    const { stack, vault, template } = synth((s, v) => {
      v.functions.secrets.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['ssm:GetParameter'],
          resources: ['arn:aws:ssm:eu-west-1:123456789012:parameter/x'],
        }),
      );
      const audit = new dynamodb.Table(s, 'Audit', {
        partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      });
      audit.grantReadData(v.functions.auth);
    });

    // THEN each lands in a managed policy of that function's role (no inline policy)
    const secrets = managedStatementsOf(template, idOf(stack, vault.functions.secrets.role as iam.Role));
    expect(secrets.flatMap(actionsOf)).toContain('ssm:GetParameter');
    const auth = managedStatementsOf(template, idOf(stack, vault.functions.auth.role as iam.Role));
    expect(auth.flatMap(actionsOf)).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  it('gives each function role the X-Ray statement once, with active tracing', () => {
    const { stack, vault, template } = synth();
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } }, 3);
    for (const fn of Object.values(vault.functions)) {
      const statements = managedStatementsOf(template, idOf(stack, fn.role as iam.Role));
      expect(statements.filter((s) => actionsOf(s).includes('xray:PutTraceSegments'))).toHaveLength(1);
    }
  });

  it("lets vault.table.grantReadData(role) reach the table key's policy, where KMS looks without an account-root statement", () => {
    // GIVEN a consumer role, WHEN it is granted reads on the vault table
    let reader: iam.Role | undefined;
    const { stack, vault, template } = synth((s, v) => {
      reader = new iam.Role(s, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
      v.table.grantReadData(reader);
    });

    // THEN the table key's policy names the role with the decrypt DynamoDB needs on its behalf
    const keyId = idOf(stack, vault.tableKey);
    const roleId = idOf(stack, reader as iam.Role);
    const policy = template.toJSON().Resources[keyId].Properties.KeyPolicy.Statement as Statement[];
    const granted = policy.filter((s) => JSON.stringify(s.Principal).includes(roleId));
    expect(granted.flatMap(actionsOf)).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    // AND the role's own policy has the table reads
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['dynamodb:GetItem']) })]),
      },
    });
  });

  it('offers no grantInvokeApi: no method takes IAM authorization, so an execute-api:Invoke grant would do nothing', () => {
    const { vault, template } = synth();
    expect((vault as unknown as Record<string, unknown>).grantInvokeApi).toBeUndefined();
    template.resourcePropertiesCountIs('AWS::ApiGateway::Method', { AuthorizationType: 'AWS_IAM' }, 0);
  });

  it("grants the vault's dashboard alone, and metric reads (which CloudWatch cannot scope) account-wide", () => {
    let monitor: iam.Role | undefined;
    const { stack, vault, template } = synth((s, v) => {
      monitor = new iam.Role(s, 'Monitor', { assumedBy: new iam.AccountRootPrincipal() });
      v.grantReadMetrics(monitor);
    });
    const dashboardArn = stack.resolve(vault.dashboard.dashboardArn);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: idOf(stack, monitor as iam.Role) }],
      PolicyDocument: {
        Statement: [
          { Action: 'cloudwatch:GetDashboard', Effect: 'Allow', Resource: dashboardArn },
          {
            Action: ['cloudwatch:GetMetricData', 'cloudwatch:GetMetricStatistics', 'cloudwatch:ListMetrics'],
            Effect: 'Allow',
            Resource: '*',
          },
        ],
      },
    });
  });

  it('stays cdk-nag clean when a platform team adds a scoped statement to a function role', () => {
    // GIVEN a platform team's app with the nag packs
    const app = new App();
    addNagPacks(app);
    const stack = new Stack(app, 'GrantsNag', { env: { account: '123456789012', region: 'us-east-1' } });
    const vault = new Vault(stack, 'Vault', { keyAdmins: [new iam.ArnPrincipal(ADMIN)] });
    acknowledgeDefaultChoices(vault);

    // WHEN it adds a statement to a function role
    vault.functions.secrets.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: ['arn:aws:ssm:us-east-1:123456789012:parameter/x'],
      }),
    );

    // THEN the validation plugins pass (no inline policy finding), with the statement in the template
    expect(() => app.synth()).not.toThrow();
    const role = idOf(stack, vault.functions.secrets.role as iam.Role);
    expect(managedStatementsOf(Template.fromStack(stack), role).flatMap(actionsOf)).toContain(
      'ssm:GetParameter',
    );
  });
});
