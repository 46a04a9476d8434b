import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type HttpResult, header, type OperationContext, ValidationError, VaultError } from '@kmsvault/core';

export class IdempotencyMismatchError extends VaultError {
  public constructor() {
    super(
      'idempotency_key_reused',
      422,
      'Unprocessable content',
      'This Idempotency-Key was used with a different request body.',
    );
    this.name = 'IdempotencyMismatchError';
  }
}

interface IdempotentInput {
  /** `<userId>:<operation>:<Idempotency-Key>`: keys are per user. */
  readonly scope: string;
  /** A keyed digest of the request body (see `digest`): a retry must send the same body. */
  readonly bodyHash: string;
}

/**
 * A MAC of a request body under a key only the vault holds (derived from the
 * user's key). An unkeyed hash would let a reader of the idempotency table
 * confirm a guessed secret by hashing the guess.
 */
export type BodyDigest = (userId: string, body: Uint8Array) => Promise<string>;

/**
 * Powertools idempotency with DynamoDB persistence for write routes. The
 * record holds the response, which for these routes carries ids and counts,
 * never a secret's fields; the body is kept only as a keyed digest.
 */
export function idempotentWrites(dynamodb: DynamoDBClient, tableName: string, digest: BodyDigest) {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamodb });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'scope',
    payloadValidationJmesPath: 'bodyHash',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: 24 * 3600,
  });

  return async (
    ctx: OperationContext,
    userId: string,
    operation: string,
    run: () => Promise<HttpResult>,
  ): Promise<HttpResult> => {
    const key = header(ctx.event, 'idempotency-key');
    if (key === undefined || key.length === 0 || key.length > 128) {
      throw new ValidationError('Send an Idempotency-Key header of 1 to 128 characters.', [
        { path: 'Idempotency-Key', message: 'is required (1–128 characters)' },
      ]);
    }
    const body = ctx.event.isBase64Encoded
      ? Buffer.from(ctx.event.body ?? '', 'base64')
      : Buffer.from(ctx.event.body ?? '');
    const input: IdempotentInput = {
      scope: `${userId}:${operation}:${key}`,
      bodyHash: await digest(userId, body),
    };
    config.registerLambdaContext(ctx.lambdaContext as Parameters<typeof config.registerLambdaContext>[0]);
    const once = makeIdempotent(async (_: IdempotentInput) => run(), {
      persistenceStore,
      config,
      keyPrefix: 'kmsvault',
    });
    // A concurrent retry waits for the first to finish, then gets its response.
    for (let attempt = 0; ; attempt++) {
      try {
        return (await once(input)) as HttpResult;
      } catch (err) {
        if (err instanceof IdempotencyValidationError) throw new IdempotencyMismatchError();
        if (err instanceof IdempotencyAlreadyInProgressError && attempt < 100) {
          await new Promise((r) => setTimeout(r, 50 + Math.min(attempt, 10) * 20));
          continue;
        }
        throw err;
      }
    }
  };
}
