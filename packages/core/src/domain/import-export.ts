import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import * as z from 'zod';
import { ValidationError } from './errors';
import { type Secret, type SecretInput, secretInputSchema } from './secret-schema';

export const IMPORT_FORMATS = ['bitwarden-json', 'bitwarden-csv', 'chrome-csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const importRequestSchema = z
  .object({
    format: z.enum(IMPORT_FORMATS),
    content: z.string().min(1).max(250_000),
  })
  .strict();

export const importResponseSchema = z.object({
  imported: z.number().int(),
  failed: z.number().int(),
  errors: z.array(z.object({ row: z.number().int(), message: z.string() })),
  ids: z.array(z.string()),
});

/** One row of an import: a secret to create, or why the row cannot be one (never its values). */
export type ImportRow = { row: number; secret: SecretInput } | { row: number; error: string };

/** Parses an export of Bitwarden (unencrypted JSON or CSV) or Chrome (CSV) into secrets, row by row. */
export function parseImport(format: ImportFormat, content: string): ImportRow[] {
  const raw = format === 'bitwarden-json' ? bitwardenJsonRows(content) : csvRows(format, content);
  return raw.map(({ row, candidate }) => {
    const result = secretInputSchema.safeParse(candidate);
    if (result.success) return { row, secret: result.data };
    return {
      row,
      error: result.error.issues.map((i) => `${i.path.join('.') || 'row'} ${i.message}`).join('; '),
    };
  });
}

type Candidate = { row: number; candidate: Record<string, unknown> };

function bitwardenJsonRows(content: string): Candidate[] {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    throw new ValidationError('The Bitwarden export is not valid JSON.', [
      { path: 'content', message: 'is not JSON' },
    ]);
  }
  const parsed = z
    .object({
      encrypted: z.boolean().optional(),
      folders: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
      items: z.array(z.record(z.string(), z.unknown())),
    })
    .safeParse(doc);
  if (!parsed.success || parsed.data.encrypted === true) {
    throw new ValidationError('Expected an unencrypted Bitwarden JSON export with an items array.', [
      { path: 'content', message: 'is not an unencrypted Bitwarden export' },
    ]);
  }
  const folders = new Map((parsed.data.folders ?? []).map((f) => [f.id, f.name]));
  return parsed.data.items.map((item, i) => {
    const login = (item.login ?? {}) as { uris?: { uri?: string }[]; username?: string; password?: string };
    const fields = (item.fields ?? []) as { name?: string; value?: string }[];
    const tags = fields.find((f) => f.name === 'tags')?.value;
    return {
      row: i + 1,
      candidate: prune({
        name: item.name,
        url: login.uris?.[0]?.uri,
        username: login.username,
        password: login.password,
        notes: item.notes,
        folder: typeof item.folderId === 'string' ? folders.get(item.folderId) : undefined,
        tags: splitTags(tags),
      }),
    };
  });
}

function csvRows(format: ImportFormat, content: string): Candidate[] {
  let records: Record<string, string>[];
  try {
    records = parse(content, {
      columns: true,
      skip_empty_lines: true,
      bom: true,
      relax_column_count: true,
      trim: false,
    });
  } catch (err) {
    throw new ValidationError(`The CSV could not be read: ${(err as Error).message.split('\n')[0]}`, [
      { path: 'content', message: 'is not valid CSV' },
    ]);
  }
  const header = Object.keys(records[0] ?? {});
  const needs =
    format === 'chrome-csv'
      ? ['name', 'url', 'username', 'password']
      : ['name', 'login_uri', 'login_username', 'login_password'];
  const missing = needs.filter((c) => !header.includes(c));
  if (records.length > 0 && missing.length > 0) {
    throw new ValidationError(`The CSV has no column ${missing.join(', ')} for ${format}.`, [
      { path: 'content', message: `misses columns ${missing.join(', ')}` },
    ]);
  }
  return records.map((r, i) => ({
    row: i + 1,
    candidate:
      format === 'chrome-csv'
        ? prune({
            name: r.name || r.url,
            url: r.url,
            username: r.username,
            password: r.password,
            notes: r.note,
          })
        : prune({
            name: r.name,
            url: r.login_uri,
            username: r.login_username,
            password: r.login_password,
            notes: r.notes,
            folder: r.folder,
            tags: splitTags(r.fields?.match(/^tags: (.*)$/m)?.[1]),
          }),
  }));
}

/** Bitwarden's unencrypted JSON, which imports back here and into Bitwarden. */
export function exportJson(secrets: readonly Secret[]): string {
  const folderNames = [...new Set(secrets.map((s) => s.folder).filter((f): f is string => f !== undefined))];
  const folderIds = new Map(folderNames.map((name, i) => [name, `folder-${i + 1}`]));
  return JSON.stringify(
    {
      encrypted: false,
      folders: folderNames.map((name) => ({ id: folderIds.get(name), name })),
      items: secrets.map((s) => ({
        id: s.id,
        folderId: s.folder ? folderIds.get(s.folder) : null,
        type: 1,
        name: s.name,
        notes: s.notes ?? null,
        favorite: false,
        fields: s.tags.length > 0 ? [{ name: 'tags', value: s.tags.join(','), type: 0 }] : [],
        login: {
          uris: s.url ? [{ match: null, uri: s.url }] : [],
          username: s.username ?? null,
          password: s.password ?? null,
          totp: null,
        },
        revisionDate: s.updatedAt,
        creationDate: s.createdAt,
      })),
    },
    null,
    2,
  );
}

/** Bitwarden's CSV columns. */
export function exportCsv(secrets: readonly Secret[]): string {
  return stringify(
    secrets.map((s) => ({
      folder: s.folder ?? '',
      favorite: '',
      type: 'login',
      name: s.name,
      notes: s.notes ?? '',
      fields: s.tags.length > 0 ? `tags: ${s.tags.join(',')}` : '',
      reprompt: '0',
      login_uri: s.url ?? '',
      login_username: s.username ?? '',
      login_password: s.password ?? '',
      login_totp: '',
    })),
    {
      header: true,
      columns: [
        'folder',
        'favorite',
        'type',
        'name',
        'notes',
        'fields',
        'reprompt',
        'login_uri',
        'login_username',
        'login_password',
        'login_totp',
      ],
    },
  );
}

function splitTags(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

function prune(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null && v !== '') out[k] = v;
  return out;
}
