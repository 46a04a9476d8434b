import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { DEFAULTS, defaultConfig, ROUTES, type VaultConfig } from '@kmsvault/core';
import { createAuthHandler } from '@kmsvault/lambda-auth';
import { createAuthorizer } from '@kmsvault/lambda-authorizer';
import { createSecretsHandler } from '@kmsvault/lambda-secrets';
import { buildWeb } from '@kmsvault/web';
import { ensureKeys, ensureTables, type LocalKeyRole } from './bootstrap';
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
  /** Keys to use instead of the stack's own (a new password or signing key, say). */
  readonly keys?: Partial<VaultConfig['keys']>;
  /** Settings beyond tables and keys (password strategy, scrypt cost, backoff…). @default the Lambda defaults */
  readonly config?: Partial<Omit<VaultConfig, 'tables' | 'keys'>>;
  /** @default a Powertools Logger at the level of POWERTOOLS_LOG_LEVEL */
  readonly logger?: Logger;
}

export interface LocalJson {
  apiUrl: string;
  region: string;
  dynamodbEndpoint: string;
  kmsEndpoint: string;
  tables: VaultConfig['tables'];
  keys: Record<LocalKeyRole, string>;
}

export interface LocalStack {
  readonly info: LocalJson;
  readonly config: VaultConfig;
  readonly kmsServer: KmsEmulatorServer;
  readonly dynamoDbLocal: DynamoDbLocal;
  readonly kms: KMSClient;
  readonly dynamodb: DynamoDBClient;
  readonly localJsonPath: string;
  /** Stops DynamoDB Local (to inject an outage). */
  stopDynamoDb(): Promise<void>;
  /** Starts DynamoDB Local again on the same port and data directory. */
  restartDynamoDb(): Promise<void>;
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

    const ddbOptions = inMemory ? {} : { dataDir: join(dataDir, 'dynamodb') };
    let dynamoDbLocal = await DynamoDbLocal.start(ddbOptions);
    const port = dynamoDbLocal.port;
    stops.push(() => dynamoDbLocal.stop());

    const kms = localKmsClient(kmsServer.endpoint);
    const dynamodb = localDynamoDbClient(dynamoDbLocal.endpoint);
    stops.push(async () => {
      kms.destroy();
      dynamodb.destroy();
    });

    const tables = await ensureTables(dynamodb);
    const keys = await ensureKeys(kms);
    const strategy = options.config?.passwordStrategy ?? DEFAULTS.passwordStrategy;
    const config: VaultConfig = defaultConfig(
      {
        tables,
        keys: {
          vault: keys.vault,
          password: strategy === 'rsa' ? keys.password : keys.passwordHmac,
          signing: keys.signing,
          ...options.keys,
        },
      },
      options.config,
    );

    const secrets = createSecretsHandler({ kms, dynamodb, config, logger }) as ProxyHandler;
    const auth = createAuthHandler({ kms, dynamodb, config, logger }) as ProxyHandler;
    const authorizer = createAuthorizer({ kms, dynamodb, config, logger });
    const adapter = new ApiGatewayAdapter({
      routes: ROUTES,
      functions: { secrets, auth },
      authorizer,
      region: LOCAL_REGION,
    });
    const api = new LocalApiServer({ adapter, staticDir: await buildWeb(), port: options.port ?? 0 });
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
    return {
      info,
      config,
      kmsServer,
      get dynamoDbLocal() {
        return dynamoDbLocal;
      },
      kms,
      dynamodb,
      localJsonPath,
      stopDynamoDb: () => dynamoDbLocal.stop(),
      restartDynamoDb: async () => {
        await dynamoDbLocal.stop();
        dynamoDbLocal = await DynamoDbLocal.start({ ...ddbOptions, port });
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
