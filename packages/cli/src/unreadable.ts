import type { Io } from './io';

/** An item the server could not verify (integrity check failed), listed beside the readable ones. */
export interface Unreadable {
  id: string;
  code: string;
}

/** A warning on stderr naming the items that failed their integrity check (stdout stays the list). */
export function warnUnreadable(unreadable: readonly Unreadable[], io: Io): void {
  if (unreadable.length === 0) return;
  const ids = [...new Set(unreadable.map((u) => u.id))];
  io.stderr.write(
    `kmsvault: warning: ${ids.length} ${ids.length === 1 ? 'secret fails' : 'secrets fail'} the integrity check and ${ids.length === 1 ? 'is' : 'are'} not shown: ${ids.join(', ')}\n`,
  );
}
