/**
 * Known-device tokens, kept in localStorage per username. The server hands
 * one out at each successful login; sending it at the next login exempts this
 * browser from the per-address login limit, so someone guessing from the same
 * address (a shared office or carrier NAT) cannot lock the owner out.
 *
 * Unlike the session tokens (memory only), it is stored: it must outlive the
 * tab to be any use. It is not a session credential: it opens no session and
 * reads no data; whoever takes it (a script injected into the page, someone
 * with the browser profile) gains only this exemption for that username, and
 * still meets the per-account limit. Logout keeps it.
 */
const PREFIX = 'kmsvault.deviceToken.';

/** The same account whatever case or Unicode form the username was typed in. */
function keyOf(username: string): string {
  return PREFIX + username.normalize('NFC').toLowerCase();
}

export function readDeviceToken(username: string): string | undefined {
  try {
    return localStorage.getItem(keyOf(username)) || undefined;
  } catch {
    return undefined; // storage disabled: log in without one
  }
}

export function keepDeviceToken(username: string, token: unknown): void {
  if (typeof token !== 'string' || token.length === 0) return;
  try {
    localStorage.setItem(keyOf(username), token);
  } catch {
    // storage disabled or full: the next login goes without one
  }
}
