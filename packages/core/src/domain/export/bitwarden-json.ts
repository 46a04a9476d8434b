import type { Secret } from '../secret-schema';

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
