import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { TableProvider } from './providers';
import type { TableResource } from './types';

/** The TableProvider over `@aws-sdk/client-dynamodb` (DynamoDB Local). */
export class SdkTableProvider implements TableProvider {
  public constructor(
    private readonly dynamodb: DynamoDBClient,
    /** @default 60 */
    private readonly maxWaitSeconds = 60,
  ) {}

  public async ensureTable(table: TableResource): Promise<{ readonly created: boolean }> {
    const created = !(await this.exists(table.tableName));
    if (created) {
      try {
        await this.dynamodb.send(new CreateTableCommand(table.createTableInput));
      } catch (err) {
        if (!(err instanceof ResourceInUseException)) throw err;
      }
      await waitUntilTableExists(
        { client: this.dynamodb, maxWaitTime: this.maxWaitSeconds, minDelay: 1 },
        { TableName: table.tableName },
      );
    }
    if (table.ttlAttribute !== undefined) await this.ensureTtl(table.tableName, table.ttlAttribute);
    return { created };
  }

  private async exists(tableName: string): Promise<boolean> {
    try {
      await this.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
      return true;
    } catch (err) {
      if (err instanceof ResourceNotFoundException) return false;
      throw err;
    }
  }

  private async ensureTtl(tableName: string, attribute: string): Promise<void> {
    const { TimeToLiveDescription: ttl } = await this.dynamodb.send(
      new DescribeTimeToLiveCommand({ TableName: tableName }),
    );
    const on = ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING';
    if (on && ttl?.AttributeName === attribute) return;
    if (on) {
      await this.dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: ttl?.AttributeName, Enabled: false },
        }),
      );
    }
    await this.dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      }),
    );
  }
}
