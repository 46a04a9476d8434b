import { keys } from '../store/keys';
import type { PartitionEraser } from '../store/partition-eraser';
import type { UserProfile, UserRepository } from '../store/users';
import { normaliseUsername } from './accounts';
import { UnauthorizedError, VaultError } from './errors';

/** The deletion stopped before its time ran out; the same request again carries on from where it stopped. */
export class AccountDeletionIncompleteError extends VaultError {
  public readonly retryAfterSeconds = 1;

  public constructor() {
    super(
      'account_deletion_incomplete',
      503,
      'Service unavailable',
      'The account is partly deleted and can no longer log in; send the same request again to finish.',
    );
    this.name = 'AccountDeletionIncompleteError';
  }
}

export interface AccountDeletionDependencies {
  readonly users: UserRepository;
  readonly eraser: PartitionEraser;
  readonly now: () => number;
  /**
   * Told when the last sweep, after the account is gone, fails: what it left
   * is unreadable (the user key that sealed it was deleted) and the sweep
   * cannot be repeated (the caller's session is gone too).
   */
  readonly sweepFailed?: (userId: string, error: unknown) => void;
}

export interface DeletedAccount {
  /** Items of the user deleted by this call besides the profile and the username claim (a retry counts what was left). */
  readonly items: number;
}

/**
 * Deletes an account whose password was checked, in an order that a retry
 * finishes (every step is idempotent):
 * 1. the profile is marked deleted: login refuses the account from now on;
 * 2. every other session and refresh token is deleted: they stop at once
 *    (refresh finds no token, the authorizer no session);
 * 3. every other item of the user's partition: secrets, versions, trash,
 *    the signed head, known devices;
 * 4. one transaction deletes the username claim, the profile with the
 *    wrapped user keys, and the caller's session: the username is free;
 * 5. a sweep deletes the caller's refresh tokens (dead with their session)
 *    and anything a request in flight wrote meanwhile.
 * Until step 4 the caller's session (its access token, and its refresh
 * token) keeps working, so the same request again resumes a deletion that
 * failed or stopped at `stop` (a time budget) partway.
 */
export class AccountDeletion {
  public constructor(private readonly deps: AccountDeletionDependencies) {}

  public async delete(
    profile: UserProfile,
    sessionId: string | undefined,
    stop: () => boolean,
  ): Promise<DeletedAccount> {
    const { users, eraser } = this.deps;
    const { userId } = profile;
    const pk = keys.user(userId);
    if (!(await users.markDeleted(userId, new Date(this.deps.now()).toISOString()))) {
      throw new UnauthorizedError('The account does not exist.');
    }
    const own = ownSession(sessionId);
    let items = 0;
    for (const prefix of [keys.sessionPrefix, keys.refreshPrefix]) {
      const result = await eraser.erase(pk, { prefix, keep: own, attributes: ['familyId'], stop });
      items += result.deleted;
      if (!result.complete) throw new AccountDeletionIncompleteError();
    }
    const rest = await eraser.erase(pk, {
      keep: (item) => item.sk === keys.profileSk || own(item),
      attributes: ['familyId'],
      stop,
    });
    items += rest.deleted;
    if (!rest.complete) throw new AccountDeletionIncompleteError();
    await users.remove(
      userId,
      normaliseUsername(profile.username).key,
      sessionId !== undefined ? [keys.sessionSk(sessionId)] : [],
    );
    try {
      items += (await eraser.erase(pk)).deleted;
    } catch (err) {
      this.deps.sweepFailed?.(userId, err);
    }
    return { items };
  }
}

/** The caller's session record and its refresh tokens: kept until the end, so a retry can resume. */
function ownSession(sessionId: string | undefined): (item: Record<string, unknown>) => boolean {
  if (sessionId === undefined) return () => false;
  const sessionSk = keys.sessionSk(sessionId);
  return (item) =>
    item.sk === sessionSk ||
    (typeof item.sk === 'string' && item.sk.startsWith(keys.refreshPrefix) && item.familyId === sessionId);
}
