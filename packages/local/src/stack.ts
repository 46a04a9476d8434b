import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { ROUTES, type VaultConfig } from '@kmsvault/core';
import { createSecretsHandler } from '@kmsvault/lambda-secrets';
import { STATIC_DIR } from '@kmsvault/web';
import { ensureKeys, ensureTables } from './bootstrap';
import { LOCAL_REGION, localDynamoDbClient, localKmsClient } from './clients';
import { DynamoDbLocal } from './dynamodb';
import { ApiGatewayAdapter, LocalApiServer, type ProxyHandler } from './gateway';
import { FileStateStore, KmsEmulatorServer, MemoryStateStore } from './kms';

export interface LocalStackOptions {
  /** Where state lives; ignored when inMemory. @default '.kmsvault' */
  readonly dataDir?: string;
  /** Keep no state on disk (local.json is still written). @default false */
  readonly inMemory?: boolean;
  /** Port of the API and web vault; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** @default true */
  readonly writeLocalJson?: boolean;
  /** @default a Powertools Logger at the level of POWERTOOLS_LOG_LEVEL */
  readonly logger?: Logger;
}

export interface LocalJson {
  apiUrl: string;
  region: string;
  dynamodbEndpoint: string;
  kmsEndpoint: string;
  tables: VaultConfig['tables'];
  keys: VaultConfig['keys'];
}

export interface LocalStack {
  readonly info: LocalJson;
  readonly config: VaultConfig;
  readonly kmsServer: KmsEmulatorServer;
  readonly dynamoDbLocal: DynamoDbLocal;
  readonly kms: KMSClient;
  readonly dynamodb: DynamoDBClient;
  readonly localJsonPath: string;
  stop(): Promise<void>;
}

/**
 * Starts the whole vault on this machine: the KMS emulator, DynamoDB Local,
 * tables and keys (created on first run, found again after), and the API and
 * web vault behind the API Gateway adapter, running the same handlers that
 * the Lambda functions run.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir ?? '.kmsvault');
  const inMemory = options.inMemory ?? false;
  const logger = options.logger ?? new Logger({ serviceName: 'kmsvault-local' });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    stops.length = 0;
  };
  try {
    const kmsServer = new KmsEmulatorServer({
      store: inMemory ? new MemoryStateStore() : new FileStateStore(join(dataDir, 'kms.json')),
      region: LOCAL_REGION,
    });
    await kmsServer.start();
    stops.push(() => kmsServer.stop());

    const dynamoDbLocal = await DynamoDbLocal.start(inMemory ? {} : { dataDir: join(dataDir, 'dynamodb') });
    stops.push(() => dynamoDbLocal.stop());

    const kms = localKmsClient(kmsServer.endpoint);
    const dynamodb = localDynamoDbClient(dynamoDbLocal.endpoint);
    stops.push(async () => {
      kms.destroy();
      dynamodb.destroy();
    });

    const tables = await ensureTables(dynamodb);
    const keys = await ensureKeys(kms);
    const config: VaultConfig = { tables, keys };

    const secrets = createSecretsHandler({ kms, dynamodb, config, logger }) as ProxyHandler;
    const adapter = new ApiGatewayAdapter({ routes: ROUTES, functions: { secrets }, region: LOCAL_REGION });
    const api = new LocalApiServer({ adapter, staticDir: STATIC_DIR, port: options.port ?? 0 });
    await api.start();
    stops.push(() => api.stop());

    const info: LocalJson = {
      apiUrl: api.url,
      region: LOCAL_REGION,
      dynamodbEndpoint: dynamoDbLocal.endpoint,
      kmsEndpoint: kmsServer.endpoint,
      tables,
      keys,
    };
    const localJsonPath = join(dataDir, 'local.json');
    if (options.writeLocalJson ?? true) {
      writeFileSync(localJsonPath, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
      chmodSync(localJsonPath, 0o600);
    }
    return { info, config, kmsServer, dynamoDbLocal, kms, dynamodb, localJsonPath, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
