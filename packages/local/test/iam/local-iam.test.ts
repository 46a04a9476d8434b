import { cdkBootstrapRoles, LocalIamService, rolesOfTemplate } from '../../src/iam';
import type { LocalTemplate } from '../../src/template/types';

const ACCOUNT = '111122223333';
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

describe('Class: LocalIamService', () => {
  const iam = new LocalIamService({
    account: ACCOUNT,
    roles: [
      {
        roleArn: role('AuthRole'),
        policies: [
          {
            Version: '2012-10-17',
            Statement: { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' },
          },
        ],
        managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      },
      { roleArn: `arn:aws:iam::${ACCOUNT}:role/service-role/PathRole` },
    ],
    preExisting: cdkBootstrapRoles(ACCOUNT, 'us-east-1'),
  });
  const auth = iam.principalForRole(role('AuthRole'));

  it('gives each principal its own letters-and-digits credentials', () => {
    const ids = iam.principals.map((p) => p.credentials.accessKeyId);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^LOCAL[A-Z0-9]{16}$/);
    for (const p of iam.principals) expect(iam.principalFor(p.credentials.accessKeyId)).toBe(p);
    expect(iam.principalFor('LOCALNOSUCHKEY00000')).toBeUndefined();
  });

  it('acts as an assumed-role session of the role', () => {
    expect(auth?.sessionArn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/AuthRole/local`);
    expect(auth?.account).toBe(ACCOUNT);
  });

  it('resolves AWS-managed policies from the managed-policy data package', () => {
    expect(auth?.identityPolicies).toHaveLength(2);
    const logs = { principal: auth, resource: '*', context: {} };
    expect(iam.authorize({ ...logs, action: 'logs:PutLogEvents' }).allowed).toBe(true);
    expect(iam.authorize({ ...logs, action: 'kms:CreateKey' }).allowed).toBe(false);
    const deployer = iam.principalForRole(role('cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1'));
    expect(iam.authorize({ ...logs, principal: deployer, action: 'kms:CreateKey' }).allowed).toBe(true);
  });

  it('knows which principals exist', () => {
    expect(iam.principalExists(role('AuthRole'))).toBe(true);
    expect(iam.principalExists(`arn:aws:iam::${ACCOUNT}:role/service-role/PathRole`)).toBe(true);
    expect(iam.principalExists(`arn:aws:sts::${ACCOUNT}:assumed-role/AuthRole/other-session`)).toBe(true);
    expect(iam.principalExists(`arn:aws:iam::${ACCOUNT}:root`)).toBe(true);
    expect(iam.principalExists(ACCOUNT)).toBe(true);
    expect(iam.principalExists('cloudwatch.amazonaws.com')).toBe(true);
    expect(iam.principalExists('*')).toBe(true);
    expect(iam.principalExists(role('NoSuchRole'))).toBe(false);
    expect(iam.principalExists(`arn:aws:sts::${ACCOUNT}:assumed-role/NoSuchRole/s`)).toBe(false);
    expect(iam.principalExists(`arn:aws:iam::${ACCOUNT}:user/alice`)).toBe(false);
    expect(iam.principalExists('not-a-principal')).toBe(false);
  });

  it('throws when a role is described twice', () => {
    expect(
      () =>
        new LocalIamService({ account: ACCOUNT, roles: [{ roleArn: role('A') }, { roleArn: role('A') }] }),
    ).toThrow(/described twice/);
  });

  it('throws when a managed policy does not exist', () => {
    expect(
      () =>
        new LocalIamService({
          account: ACCOUNT,
          roles: [
            { roleArn: role('A'), managedPolicyArns: ['arn:aws:iam::aws:policy/NoSuchPolicyAnywhere'] },
          ],
        }),
    ).toThrow(/names no AWS-managed policy/);
  });

  it('takes its roles from a template', () => {
    const template = {
      roles: [
        {
          logicalId: 'AuthRole',
          roleName: 'AuthRole',
          arn: role('AuthRole'),
          assumeRolePolicy: { Statement: [] },
          policies: [
            { name: 'p', document: { Statement: { Effect: 'Allow', Action: 'kms:Sign', Resource: '*' } } },
          ],
          managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
        },
      ],
    } as unknown as LocalTemplate;
    expect(rolesOfTemplate(template)).toEqual([
      {
        roleArn: role('AuthRole'),
        policies: [{ Statement: { Effect: 'Allow', Action: 'kms:Sign', Resource: '*' } }],
        managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      },
    ]);
  });
});
