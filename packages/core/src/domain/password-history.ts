import type { Item } from '../crypto/item-encryptor';
import { ITEM_LIMITS, type PasswordHistoryEntry } from './item-model';

type Field = { name: string; value?: string; type: string };

/**
 * The password history of a new version, as Bitwarden keeps it: when the
 * login's password changes, the previous one, dated now; when a hidden
 * custom field's value changes (or the field goes), `<name>: <old value>`.
 * Newest first, at most ITEM_LIMITS.passwordHistory entries; entries the
 * client sent (an import brings them) are kept after the new ones, once each.
 */
export function withPasswordHistory(
  previous: Item,
  next: Item,
  now: string,
): PasswordHistoryEntry[] | undefined {
  const added: PasswordHistoryEntry[] = [];
  const oldPassword = previous.password as string | undefined;
  if (oldPassword !== undefined && oldPassword !== next.password) {
    added.push({ password: oldPassword, lastUsedDate: now });
  }
  const nextHidden = new Map(
    ((next.fields as Field[] | undefined) ?? [])
      .filter((f) => f.type === 'hidden')
      .map((f) => [f.name, f.value]),
  );
  for (const field of (previous.fields as Field[] | undefined) ?? []) {
    if (field.type !== 'hidden' || field.value === undefined || field.value === '') continue;
    if (nextHidden.get(field.name) !== field.value) {
      added.push({ password: `${field.name}: ${field.value}`, lastUsedDate: now });
    }
  }
  const kept =
    (next.passwordHistory as PasswordHistoryEntry[] | undefined) ??
    (previous.passwordHistory as PasswordHistoryEntry[] | undefined) ??
    [];
  const seen = new Set<string>();
  const history = [...added, ...kept].filter((e) => {
    const key = `${e.lastUsedDate}\u0000${e.password}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return history.length > 0 ? history.slice(0, ITEM_LIMITS.passwordHistory) : undefined;
}
