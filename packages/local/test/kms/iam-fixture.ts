import { KMSClient } from '@aws-sdk/client-kms';
import { cdkBootstrapRoles, LocalIamService, type LocalPrincipal } from '../../src/iam';
import { KmsEmulatorServer, type KmsStateStore } from '../../src/kms';
import type { PolicyDocument, PolicyStatement } from '../../src/template/types';

/**
 * A KMS emulator server with a local IAM, and SDK clients acting as its
 * principals: the deployer (the CDK bootstrap's cfn-exec role, with
 * AdministratorAccess), two template roles with no identity policy of their
 * own (AuthRole, SecretsRole), and AppRole whose identity policy allows KMS
 * use on every key (effective only where a key policy delegates to the account).
 */

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const role = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;
export const DEPLOYER = role(`cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`);

export interface IamKms {
  readonly server: KmsEmulatorServer;
  readonly iam: LocalIamService;
  principal(roleArn: string): LocalPrincipal;
  client(roleArn: string): KMSClient;
  clientWith(credentials: { accessKeyId: string; secretAccessKey: string }): KMSClient;
  stop(): Promise<void>;
}

export async function startIamKms(store?: KmsStateStore): Promise<IamKms> {
  const iam = new LocalIamService({
    account: ACCOUNT,
    preExisting: cdkBootstrapRoles(ACCOUNT, REGION),
    roles: [
      { roleArn: role('AuthRole') },
      { roleArn: role('SecretsRole') },
      {
        roleArn: role('AppRole'),
        policies: [
          {
            Version: '2012-10-17',
            Statement: {
              Effect: 'Allow',
              Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
              Resource: '*',
            },
          },
        ],
      },
    ],
  });
  const server = new KmsEmulatorServer({
    iam,
    account: ACCOUNT,
    region: REGION,
    ...(store ? { store } : {}),
  });
  await server.start();
  const clients: KMSClient[] = [];
  const clientWith = (credentials: { accessKeyId: string; secretAccessKey: string }) => {
    const client = new KMSClient({ endpoint: server.endpoint, region: REGION, credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  };
  const principal = (roleArn: string) => {
    const found = iam.principalForRole(roleArn);
    if (found === undefined) throw new Error(`no principal ${roleArn}`);
    return found;
  };
  return {
    server,
    iam,
    principal,
    client: (roleArn) => clientWith(principal(roleArn).credentials),
    clientWith,
    stop: async () => {
      for (const c of clients) c.destroy();
      await server.stop();
    },
  };
}

export function policy(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** KMS's default key policy statement (AWS KMS docs, "Default key policy": "Enable IAM User Permissions"). */
export const ROOT_STATEMENT: PolicyStatement = {
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
  Action: 'kms:*',
  Resource: '*',
};

/** Key administration for the deployer, as the template's KeyAdministration statement gives its admins. */
export const DEPLOYER_ADMIN: PolicyStatement = {
  Sid: 'KeyAdministration',
  Effect: 'Allow',
  Principal: { AWS: DEPLOYER },
  Action: [
    'kms:Create*',
    'kms:Describe*',
    'kms:Enable*',
    'kms:List*',
    'kms:Put*',
    'kms:Get*',
    'kms:ScheduleKeyDeletion',
  ],
  Resource: '*',
};

export function allow(
  roleName: string,
  actions: string | string[],
  condition?: PolicyStatement['Condition'],
): PolicyStatement {
  return {
    Sid: `Allow${roleName}`,
    Effect: 'Allow',
    Principal: { AWS: role(roleName) },
    Action: actions,
    Resource: '*',
    ...(condition !== undefined ? { Condition: condition } : {}),
  };
}
