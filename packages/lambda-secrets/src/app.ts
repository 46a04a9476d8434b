import {
  type ApiHandler,
  buildOpenApi,
  buildRouter,
  callerOf,
  documentClient,
  emptyResult,
  exportCsv,
  exportJson,
  exportQuerySchema,
  type FunctionDependencies,
  generatePassword,
  generateRequestSchema,
  HeadRepository,
  type HttpResult,
  header,
  type ImportWarning,
  IntegrityError,
  ifMatchVersion,
  importRequestSchema,
  jsonResult,
  KeyCache,
  NotFoundError,
  type OperationContext,
  openedContent,
  parseImport,
  parseJsonBody,
  requireRecentPassword,
  SECURITY_HEADERS,
  SecretRepository,
  SecretService,
  secretInputSchema,
  secretListQuerySchema,
  TotpAbsentError,
  totpCode,
  UserKeyring,
  UserRepository,
  ValidationError,
  VaultError,
} from '@kmsvault/core';
import type { z } from 'zod';
import { healthHandler } from './handlers/health';
import { idempotentWrites } from './idempotency';

/** The secrets function's dependencies: the same as every API function's. */
export type SecretsDependencies = FunctionDependencies;

const userOf = (ctx: OperationContext) => callerOf(ctx).userId;

function query<T extends z.ZodType>(ctx: OperationContext, schema: T): z.infer<T> {
  const result = schema.safeParse(ctx.event.queryStringParameters ?? {});
  if (!result.success) {
    const errors = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ValidationError(
      `The query is not valid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}.`,
      errors,
    );
  }
  return result.data;
}

function versionParam(ctx: OperationContext): number {
  const v = Number(ctx.params.version);
  if (!Number.isInteger(v) || v < 1) throw new NotFoundError();
  return v;
}

const etag = (version: number) => ({ etag: `"${version}"` });

/** At most this many ids in the CSV export's header; the count is always there. */
const UNREADABLE_HEADER_IDS = 100;

/** The CSV export's report of unreadable secrets: their count, and their ids (the first 100). */
function unreadableHeaders(unreadable: readonly { id: string }[]): Record<string, string> {
  return {
    'kmsvault-unreadable-count': String(unreadable.length),
    'kmsvault-unreadable': unreadable
      .slice(0, UNREADABLE_HEADER_IDS)
      .map((u) => u.id)
      .join(','),
  };
}

/** The secrets function's router, built from the manifest with its dependencies injected. */
export function createSecretsHandler(deps: SecretsDependencies): ApiHandler {
  const db = documentClient(deps.dynamodb);
  const service = new SecretService({
    secrets: new SecretRepository(db, deps.config.tables.vault),
    heads: new HeadRepository(db, deps.config.tables.vault),
    users: new UserRepository(db, deps.config.tables.vault),
    keyring: new UserKeyring({
      kms: deps.kms,
      vaultKeyId: deps.config.keys.vault,
      cache: new KeyCache({
        maxAgeMs: deps.config.keyCacheMaxAgeMs,
        maxEntries: deps.config.keyCacheMaxEntries,
      }),
    }),
    config: deps.config,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const idempotent = idempotentWrites(deps.dynamodb, deps.config.tables.idempotency, (userId, body) =>
    service.requestDigest(userId, body),
  );
  let openapi: Record<string, unknown> | undefined;

  /**
   * Secrets a read left out because they fail verification: a security event,
   * logged with the user and the ids, never values (the router logs the ones
   * that fail a whole request).
   */
  const logUnreadable = (
    userId: string,
    operation: string,
    unreadable: readonly { id?: string; version?: number }[] | undefined,
  ) => {
    if (unreadable === undefined || unreadable.length === 0) return;
    deps.logger.warn('integrity_error', { event: 'integrity_error', userId, operation, items: unreadable });
  };

  const write = (status: number, result: { id: string; version: number }): HttpResult =>
    jsonResult(status, { id: result.id, version: result.version }, etag(result.version));

  const app = buildRouter(
    'secrets',
    {
      getHealth: healthHandler(deps),
      listSecrets: async (ctx) => {
        const q = query(ctx, secretListQuerySchema);
        const page = await service.list(userOf(ctx), q);
        logUnreadable(userOf(ctx), 'listSecrets', page.unreadable);
        return jsonResult(200, page);
      },
      createSecret: async (ctx) => {
        const userId = userOf(ctx);
        const input = parseJsonBody(ctx.event, secretInputSchema);
        return idempotent(ctx, userId, 'createSecret', async () =>
          write(201, await service.create(userId, input)),
        );
      },
      getSecret: async (ctx) => {
        const secret = await service.get(userOf(ctx), ctx.params.id as string);
        return jsonResult(200, secret, etag(secret.version));
      },
      getSecretTotp: async (ctx) => {
        const secret = await service.get(userOf(ctx), ctx.params.id as string);
        if (secret.totp === undefined) throw new TotpAbsentError();
        return jsonResult(200, totpCode(secret.totp, Date.now()));
      },
      updateSecret: async (ctx) => {
        const userId = userOf(ctx);
        const input = parseJsonBody(ctx.event, secretInputSchema);
        return write(
          200,
          await service.update(
            userId,
            ctx.params.id as string,
            ifMatchVersion(header(ctx.event, 'if-match')),
            input,
          ),
        );
      },
      deleteSecret: async (ctx) => {
        await service.remove(userOf(ctx), ctx.params.id as string);
        return emptyResult(204);
      },
      listVersions: async (ctx) => {
        const versions = await service.versions(userOf(ctx), ctx.params.id as string);
        logUnreadable(
          userOf(ctx),
          'listVersions',
          versions.unreadable?.map((u) => ({ id: ctx.params.id as string, version: u.version })),
        );
        return jsonResult(200, versions);
      },
      getVersion: async (ctx) => {
        const secret = await service.getVersion(userOf(ctx), ctx.params.id as string, versionParam(ctx));
        return jsonResult(200, secret);
      },
      restoreVersion: async (ctx) =>
        write(200, await service.restoreVersion(userOf(ctx), ctx.params.id as string, versionParam(ctx))),
      listTrash: async (ctx) => {
        const trash = await service.trash(userOf(ctx));
        logUnreadable(userOf(ctx), 'listTrash', trash.unreadable);
        return jsonResult(200, trash);
      },
      restoreTrash: async (ctx) =>
        write(200, await service.restoreFromTrash(userOf(ctx), ctx.params.id as string)),
      purgeTrash: async (ctx) => {
        await service.purge(userOf(ctx), ctx.params.id as string);
        return emptyResult(204);
      },
      generatePassword: async (ctx) => {
        userOf(ctx);
        return jsonResult(200, generatePassword(parseJsonBody(ctx.event, generateRequestSchema)));
      },
      importSecrets: async (ctx) => {
        const userId = userOf(ctx);
        const body = parseJsonBody(ctx.event, importRequestSchema);
        return idempotent(ctx, userId, 'importSecrets', async () => {
          const rows = parseImport(body.format, await openedContent(body.content, body.password));
          const valid = rows.filter((r): r is Extract<typeof r, { secret: unknown }> => 'secret' in r);
          const outcomes = await service.importMany(
            userId,
            valid.map((r) => r.secret),
          );
          const landed = new Map(valid.map((r, i) => [r.row, outcomes[i]]));
          const errors: { row: number; message: string }[] = [];
          const warnings: ImportWarning[] = [];
          const mapped: ImportWarning[] = [];
          const skipped: { row: number; id: string; reason: string }[] = [];
          const ids: string[] = [];
          for (const row of rows) {
            if ('error' in row) {
              errors.push({ row: row.row, message: row.error });
              continue;
            }
            const outcome = landed.get(row.row);
            if (outcome !== undefined && 'skipped' in outcome) {
              skipped.push({ row: row.row, id: outcome.id, reason: outcome.skipped });
              continue;
            }
            if (outcome !== undefined && 'secret' in outcome) {
              ids.push(outcome.secret.id);
              if (row.warning) warnings.push(row.warning);
              if (row.mapped) mapped.push(row.mapped);
              continue;
            }
            // A vault error's message names fields and ids, never values. A failing dependency
            // fails the rows of its batch, not the import, so the answer says exactly which rows landed.
            const err = outcome !== undefined && 'error' in outcome ? outcome.error : undefined;
            const safe = err instanceof VaultError && (err.status < 500 || err instanceof IntegrityError);
            errors.push({
              row: row.row,
              message: safe ? err.message : 'could not be stored now; import it again',
            });
          }
          deps.logger.info('import finished', {
            imported: ids.length,
            failed: errors.length,
            warned: warnings.length,
            skipped: skipped.length,
          });
          return jsonResult(200, {
            imported: ids.length,
            failed: errors.length,
            skipped: skipped.length,
            errors,
            warnings,
            mapped,
            skippedRows: skipped,
            ids,
          });
        });
      },
      exportSecrets: async (ctx) => {
        const { format } = query(ctx, exportQuerySchema);
        requireRecentPassword(ctx, (deps.now ?? Date.now)());
        const { secrets, unreadable } = await service.exportAll(userOf(ctx));
        logUnreadable(userOf(ctx), 'exportSecrets', unreadable);
        const csv = format === 'csv';
        // JSON names the unreadable secrets in an extra top-level field (importers ignore it); CSV has
        // no place for them that would not import as a row, so its headers name them.
        const body = csv
          ? exportCsv(secrets)
          : unreadable.length === 0
            ? exportJson(secrets)
            : JSON.stringify({ ...JSON.parse(exportJson(secrets)), unreadable }, null, 2);
        return {
          statusCode: 200,
          headers: {
            ...SECURITY_HEADERS,
            'content-type': csv ? 'text/csv; charset=utf-8' : 'application/json',
            'content-disposition': `attachment; filename="kmsvault-export.${csv ? 'csv' : 'json'}"`,
            ...(csv && unreadable.length > 0 ? unreadableHeaders(unreadable) : {}),
          },
          body,
        };
      },
      getOpenApi: async () => {
        openapi ??= buildOpenApi();
        return jsonResult(200, openapi, { 'cache-control': 'public, max-age=300' });
      },
    },
    deps.logger,
  );
  return (event, context) => app.resolve(event, context as Parameters<typeof app.resolve>[1]);
}
