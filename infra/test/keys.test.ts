import {
  App,
  CfnParameter,
  CliCredentialsStackSynthesizer,
  type DefaultStackSynthesizer,
  aws_iam as iam,
  Stack,
} from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ArnListPrincipal } from '../src/principals';
import { Vault, type VaultProps } from '../src/vault';

const ADMIN = 'arn:aws:iam::123456789012:role/PlatformKeyAdmin';

type Statement = { Sid?: string; Action: string | string[]; Principal?: unknown; Condition?: unknown };
type KeyResource = { Properties: { KeyPolicy: { Statement: Statement[] } } };

/** GIVEN a stack (its synthesizer as given) with a Vault of these props, WHEN it synthesises. */
function synth(
  props: Partial<VaultProps> = {},
  stackProps: { synthesizer?: DefaultStackSynthesizer | CliCredentialsStackSynthesizer } = {},
): { stack: Stack; vault: Vault } {
  const app = new App();
  const stack = new Stack(app, 'Keys', {
    env: { account: '123456789012', region: 'eu-west-1' },
    ...stackProps,
  });
  const vault = new Vault(stack, 'Vault', { keyAdmins: [new iam.ArnPrincipal(ADMIN)], ...props });
  return { stack, vault };
}

const keysOf = (template: Template) =>
  Object.values(template.findResources('AWS::KMS::Key') as Record<string, KeyResource>);
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const deployer = (qualifier: string) => ({
  AWS: {
    'Fn::Sub': `arn:\${AWS::Partition}:iam::123456789012:role/cdk-${qualifier}-cfn-exec-role-123456789012-eu-west-1`,
  },
});

describe('Function: vaultKeys (administration)', () => {
  it('lets the deploying role manage every key of a platform team Vault that names only keyAdmins', () => {
    // GIVEN / WHEN
    const template = Template.fromStack(synth().stack);

    // THEN
    const keys = keysOf(template);
    expect(keys).toHaveLength(6);
    for (const key of keys) {
      const statements = key.Properties.KeyPolicy.Statement;
      const admin = statements.find((s) => s.Sid === 'DeployerKeyAdministration') as Statement;
      expect(admin.Principal).toEqual(deployer('hnb659fds'));
      expect(actionsOf(admin)).toContain('kms:PutKeyPolicy');
      expect(statements.find((s) => s.Sid === 'KeyAdministration')?.Principal).toEqual({ AWS: ADMIN });
    }
  });

  it('lets the deploying role have DynamoDB create its grant on the table key', () => {
    const { stack, vault } = synth();
    const template = Template.fromStack(stack).toJSON();
    const id = stack.getLogicalId(vault.tableKey.node.defaultChild as never);
    const statements = template.Resources[id].Properties.KeyPolicy.Statement as Statement[];
    const grant = statements.find((s) => s.Sid === 'DeployerAdminsLetDynamoDbCreateGrants') as Statement;
    expect(grant.Principal).toEqual(deployer('hnb659fds'));
    expect(actionsOf(grant)).toContain('kms:CreateGrant');
  });

  it('names the execution role of a custom bootstrap qualifier', () => {
    const app = new App({ context: { '@aws-cdk/core:bootstrapQualifier': 'acme01' } });
    const stack = new Stack(app, 'Q', { env: { account: '123456789012', region: 'eu-west-1' } });
    new Vault(stack, 'Vault', { keyAdmins: [new iam.ArnPrincipal(ADMIN)] });
    const template = Template.fromStack(stack);
    const keys = keysOf(template);
    expect(keys.length).toBeGreaterThanOrEqual(4);
    for (const key of keys) {
      const admin = key.Properties.KeyPolicy.Statement.find((s) => s.Sid === 'DeployerKeyAdministration');
      expect(admin?.Principal).toEqual(deployer('acme01'));
    }
    // and the default qualifier appears nowhere in the template
    expect(JSON.stringify(template.toJSON())).not.toContain('hnb659fds');
  });

  it('renders a CommaDelimitedList parameter of admins as the Principal list itself', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Param', { env: { account: '123456789012', region: 'eu-west-1' } });
    const arns = new CfnParameter(stack, 'KeyAdminArns', { type: 'CommaDelimitedList' });

    // WHEN
    new Vault(stack, 'Vault', { keyAdmins: [new ArnListPrincipal(arns.valueAsList)] });

    // THEN
    for (const key of keysOf(Template.fromStack(stack))) {
      const admin = key.Properties.KeyPolicy.Statement.find((s) => s.Sid === 'KeyAdministration');
      expect(admin?.Principal).toEqual({ AWS: { Ref: 'KeyAdminArns' } });
    }
  });

  it('leaves the deployer out when deployerIsKeyAdmin is false', () => {
    const template = Template.fromStack(synth({ deployerIsKeyAdmin: false }).stack);
    expect(JSON.stringify(template.toJSON())).not.toContain('cfn-exec-role');
  });

  it('fails if the deployer is the default admin and the synthesizer has no execution role', () => {
    expect(() => synth({}, { synthesizer: new CliCredentialsStackSynthesizer() })).toThrow(
      "invalid Vault prop deployerIsKeyAdmin: the stack's synthesizer (CliCredentialsStackSynthesizer) has no CloudFormation execution role to make key administrator; set deployerIsKeyAdmin: false and name in keyAdmins the principal that deploys the stack",
    );
  });

  it('fails if nobody can manage the keys: no keyAdmins, deployer opted out, account root not trusted', () => {
    expect(() => synth({ keyAdmins: [], deployerIsKeyAdmin: false })).toThrow(
      /invalid Vault prop keyAdmins: got \[\]; with deployerIsKeyAdmin: false nobody could manage the keys/,
    );
  });
});

describe('Class: VaultKey (grants)', () => {
  it('lets vaultKey.grantDecrypt(role) land in the key policy, where KMS looks without an account-root statement', () => {
    // GIVEN
    const { stack, vault } = synth();
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    vault.vaultKey.grantDecrypt(role);

    // THEN
    const template = Template.fromStack(stack).toJSON();
    const id = stack.getLogicalId(vault.vaultKey.node.defaultChild as never);
    const statements = template.Resources[id].Properties.KeyPolicy.Statement as Statement[];
    const roleId = stack.getLogicalId(role.node.defaultChild as never);
    const granted = statements.filter((s) => JSON.stringify(s.Principal).includes(roleId));
    expect(granted.flatMap(actionsOf)).toEqual(['kms:Decrypt']);
  });

  it('keeps grants in IAM alone when the account root is trusted (the key policy delegates to IAM)', () => {
    const { stack, vault } = synth({ trustAccountRoot: true });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    vault.vaultKey.grantDecrypt(role);
    const template = Template.fromStack(stack);
    const roleId = stack.getLogicalId(role.node.defaultChild as never);
    const id = stack.getLogicalId(vault.vaultKey.node.defaultChild as never);
    const policy = JSON.stringify(template.toJSON().Resources[id].Properties.KeyPolicy);
    expect(policy).not.toContain(roleId);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [id, 'Arn'] } }],
      },
      Roles: [{ Ref: roleId }],
    });
  });
});
