import {
  aws_dynamodb as dynamodb,
  aws_iam as iam,
  type aws_kms as kms,
  type RemovalPolicy,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CORE_MANIFEST } from './core-manifest';
import { acknowledge } from './nag';

const { vaultTable: VAULT_TABLE, idempotencyTable: IDEMPOTENCY_TABLE } = CORE_MANIFEST;

import type { VaultProps } from './props';

/** The vault's two DynamoDB tables. */
export interface VaultTables {
  readonly table: dynamodb.Table;
  readonly idempotencyTable: dynamodb.Table;
}

/** The vault table (with its beacon index) and the idempotency table in `scope`, both under the table key. */
export function vaultTables(
  scope: Construct,
  tableKey: kms.Key,
  props: Pick<VaultProps, 'pointInTimeRecovery' | 'deletionProtection'>,
  removalPolicy: RemovalPolicy,
): VaultTables {
  // What both tables share: on demand, the table key, PITR, deletion protection.
  const tableSettings = {
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: tableKey,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? true },
    deletionProtection: props.deletionProtection ?? true,
    removalPolicy,
  };
  const table = new dynamodb.Table(scope, 'Table', {
    ...tableSettings,
    partitionKey: { name: VAULT_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: VAULT_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: VAULT_TABLE.ttlAttribute,
  });
  table.addGlobalSecondaryIndex({
    indexName: VAULT_TABLE.beaconIndex,
    partitionKey: { name: VAULT_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: VAULT_TABLE.beaconAttribute, type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.KEYS_ONLY,
  });
  // No AWS Backup plan here: NIST.800.53.R5-DynamoDBInBackupPlan on the vault table stays for
  // the app, which adds a plan (a backup selection of `vault.table`) or acknowledges the finding.
  const idempotencyTable = new dynamodb.Table(scope, 'IdempotencyTable', {
    ...tableSettings,
    partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
  });

  acknowledge(
    idempotencyTable,
    'NIST.800.53.R5-DynamoDBInBackupPlan',
    'holds 24-hour idempotency records only; nothing to restore',
  );
  return { table, idempotencyTable };
}

/**
 * A managed policy `<role id>TablePolicy` in `scope` letting a role call these
 * actions on these tables (and on the vault table's beacon index).
 */
export function grantTable(
  scope: Construct,
  vaultTable: dynamodb.Table,
  role: iam.Role,
  tables: dynamodb.Table[],
  actions: string[],
): void {
  new iam.ManagedPolicy(scope, `${role.node.id}TablePolicy`, {
    roles: [role],
    statements: [
      new iam.PolicyStatement({
        actions,
        resources: tables.flatMap((t) =>
          t === vaultTable ? [t.tableArn, `${t.tableArn}/index/${VAULT_TABLE.beaconIndex}`] : [t.tableArn],
        ),
      }),
    ],
  });
}
