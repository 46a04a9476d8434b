import {
  BITWARDEN_FIELD_TYPES,
  BITWARDEN_LINKED,
  BITWARDEN_MATCHES,
  BITWARDEN_TYPES,
} from '../import/bitwarden-json';
import type { Secret } from '../secret-schema';

/** A Bitwarden custom field of ours: its type number, and a linked field's linkedId. */
function fieldOf(f: NonNullable<Secret['fields']>[number]) {
  return {
    name: f.name,
    value: f.type === 'linked' ? null : (f.value ?? null),
    type: BITWARDEN_FIELD_TYPES.indexOf(f.type),
    linkedId: f.type === 'linked' && f.linked ? BITWARDEN_LINKED[f.linked] : null,
  };
}

/**
 * Bitwarden's unencrypted JSON, which imports back here and into Bitwarden
 * without loss: each type with its number (login 1, secure note 2, card 3,
 * identity 4, SSH key 5), every URI with its match number, TOTP, custom
 * fields with their type numbers (tags as a text field named `tags`, which
 * our importer reads back), favourites, password history and folders.
 */
export function exportJson(secrets: readonly Secret[]): string {
  const folderNames = [...new Set(secrets.map((s) => s.folder).filter((f): f is string => f !== undefined))];
  const folderIds = new Map(folderNames.map((name, i) => [name, `folder-${i + 1}`]));
  return JSON.stringify(
    {
      encrypted: false,
      folders: folderNames.map((name) => ({ id: folderIds.get(name), name })),
      items: secrets.map((s) => {
        const type = s.type ?? 'login';
        const fields = [
          ...(s.tags.length > 0 ? [{ name: 'tags', value: s.tags.join(','), type: 0, linkedId: null }] : []),
          ...(s.fields ?? []).map(fieldOf),
        ];
        return {
          id: s.id,
          folderId: s.folder ? folderIds.get(s.folder) : null,
          type: BITWARDEN_TYPES[type],
          name: s.name,
          notes: s.notes ?? null,
          favorite: s.favorite ?? false,
          fields,
          passwordHistory: s.passwordHistory ?? null,
          ...(type === 'login'
            ? {
                login: {
                  uris: (s.uris ?? (s.url ? [{ uri: s.url, match: 'domain' as const }] : [])).map((u) => ({
                    match:
                      u.match === undefined || u.match === 'domain'
                        ? null
                        : BITWARDEN_MATCHES.indexOf(u.match),
                    uri: u.uri,
                  })),
                  username: s.username ?? null,
                  password: s.password ?? null,
                  totp: s.totp ?? null,
                },
              }
            : {}),
          ...(type === 'note' ? { secureNote: { type: 0 } } : {}),
          ...(type === 'card' ? { card: s.card ?? {} } : {}),
          ...(type === 'identity' ? { identity: s.identity ?? {} } : {}),
          ...(type === 'sshKey'
            ? {
                sshKey: {
                  privateKey: s.sshKey?.privateKey ?? null,
                  publicKey: s.sshKey?.publicKey ?? null,
                  keyFingerprint: s.sshKey?.fingerprint ?? null,
                },
              }
            : {}),
          revisionDate: s.updatedAt,
          creationDate: s.createdAt,
        };
      }),
    },
    null,
    2,
  );
}
