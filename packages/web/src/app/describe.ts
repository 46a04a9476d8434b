import { ApiError, type Problem } from './api';

/** One sentence a person can act on, for every error the API returns. */
export function describe(error: unknown): string {
  if (!(error instanceof ApiError))
    return 'The vault could not be reached. Check your connection and try again.';
  const p: Problem = error.problem;
  if (p.status === 429) return `Too many attempts. Wait ${p.retryAfter ?? 'a few'} seconds, then try again.`;
  if (p.code === 'username_taken') return 'That username is taken. Choose another one.';
  if (p.code === 'invalid_credentials') return 'Wrong username or password.';
  if (p.status === 412) return 'This secret changed elsewhere. Reload it before saving.';
  if (p.errors && p.errors.length > 0)
    return `${p.detail} ${p.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`.trim();
  return p.detail;
}
