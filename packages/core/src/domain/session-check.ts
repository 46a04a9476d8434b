import type { SessionRepository } from '../store/sessions';

export interface SessionCheckOptions {
  readonly sessions: SessionRepository;
  /** How long one answer is reused in this process, at most. @default 10 s */
  readonly cacheMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default 10_000 entries */
  readonly maxEntries?: number;
}

/**
 * Whether an access token's session is still on: the authorizer asks it on
 * every request (zero KMS calls; one GetItem per session per `cacheMs`). An
 * answer is reused for at most `cacheMs` and never past the token's `exp`,
 * so a session ended by logout, password change, reuse detection or
 * sessions management stops its access tokens within `cacheMs`.
 */
export function sessionChecker(options: SessionCheckOptions) {
  const cacheMs = options.cacheMs ?? 10_000;
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const answers = new Map<string, { active: boolean; until: number }>();
  return async (userId: string, sessionId: string, expSeconds: number): Promise<boolean> => {
    const id = `${userId}\u0000${sessionId}`;
    const cached = answers.get(id);
    const t = now();
    if (cached !== undefined && cached.until > t) return cached.active;
    const session = await options.sessions.session(userId, sessionId);
    const active = session !== undefined && session.status === 'active' && session.expiresAt * 1000 > t;
    if (answers.size >= maxEntries) answers.clear();
    answers.set(id, { active, until: Math.min(t + cacheMs, expSeconds * 1000) });
    return active;
  };
}
