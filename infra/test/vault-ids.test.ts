import { App, aws_iam as iam, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Vault, type VaultProps } from '../src/vault';

/**
 * The logical ids of the resources that hold data or that users reach by
 * address: keys (ciphertext is bound to them), tables, log groups, buckets,
 * the REST API (its id is in the URL), the distribution (its domain is the
 * web vault's URL) and the alarm topic (its subscriptions are confirmed by
 * hand). CloudFormation replaces a resource whose logical id changes: a new,
 * empty table or key beside the retained old one, a new API URL. A construct
 * id renamed or moved under another construct changes the logical id; if this
 * list has to change, the change is a migration, not a refactoring.
 */
const DEFAULT_VAULT_IDS = [
  ['AWS::KMS::Key', 'VaultAlarmTopicKey2F4B43E8'],
  ['AWS::KMS::Key', 'VaultLogsKeyE9AD315A'],
  ['AWS::KMS::Key', 'VaultPasswordKeyAC83A2DA'],
  ['AWS::KMS::Key', 'VaultSigningKeyA990EC20'],
  ['AWS::KMS::Key', 'VaultTableKeyD864A9CB'],
  ['AWS::KMS::Key', 'VaultVaultKey4332A132'],
  ['AWS::DynamoDB::Table', 'VaultIdempotencyTableF61FFCDD'],
  ['AWS::DynamoDB::Table', 'VaultTable008FE3F5'],
  ['AWS::Logs::LogGroup', 'VaultApiAccessLogsD8D924EC'],
  ['AWS::Logs::LogGroup', 'VaultAuthFunctionLogsC5FA5139'],
  ['AWS::Logs::LogGroup', 'VaultAuthorizerFunctionLogsD555795C'],
  ['AWS::Logs::LogGroup', 'VaultSecretsFunctionLogs49FD9E41'],
  ['AWS::ApiGateway::RestApi', 'VaultApi1EF6E795'],
  ['AWS::SNS::Topic', 'VaultAlarmTopic9C7712ED'],
];

/** The same for the optional parts: the WAF's log group (api.waf) and the web vault (webVault). */
const OPTIONAL_PART_IDS = [
  ['AWS::Logs::LogGroup', 'VaultWebAclLogs86E74B85'],
  ['AWS::S3::Bucket', 'VaultWebBucket5243B2FE'],
  ['AWS::S3::Bucket', 'VaultWebLogBucket6386C56B'],
  ['AWS::CloudFront::Distribution', 'VaultWebDistribution8768EA97'],
];

const LISTED_TYPES = new Set([...DEFAULT_VAULT_IDS, ...OPTIONAL_PART_IDS].map(([type]) => type));

/** GIVEN a Vault with id `Vault` and these props, WHEN it synthesises: `[type, logicalId]` of each listed type, sorted. */
function listedIds(props: Partial<VaultProps> = {}): string[][] {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  new Vault(stack, 'Vault', {
    keyAdmins: [new iam.ArnPrincipal('arn:aws:iam::123456789012:role/KeyAdmin')],
    ...props,
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>;
  return Object.entries(resources)
    .filter(([, r]) => LISTED_TYPES.has(r.Type))
    .map(([id, r]) => [r.Type, id]);
}

const sorted = (ids: string[][]): string[][] => [...ids].sort((a, b) => a.join().localeCompare(b.join()));

describe('Class: Vault (logical ids)', () => {
  it("keeps the logical ids of a default Vault's stateful and user-visible resources", () => {
    // THEN
    expect(sorted(listedIds())).toEqual(sorted(DEFAULT_VAULT_IDS));
  });

  it('keeps those of the WAF log group and the web vault when they are on', () => {
    // THEN
    expect(sorted(listedIds({ api: { waf: true }, webVault: true }))).toEqual(
      sorted([...DEFAULT_VAULT_IDS, ...OPTIONAL_PART_IDS]),
    );
  });
});
