import type { AccountsDeps } from './accounts.deps.ts';
import { deleteExpiredSessions } from './sessions.repository.ts';
import { deleteIdleThrottles } from './throttles.repository.ts';
import { deleteSpentTokens } from './tokens.repository.ts';

/** A day after a token expires or is used, nothing needs it any more. */
const TOKEN_GRACE_MS = 24 * 3600 * 1000;

/**
 * Removes what has expired: sessions, single-use tokens, and rate-limit
 * counters whose window and lockout are both over. Safe to run on every node.
 */
export function createHousekeeping(deps: AccountsDeps) {
  const { db, clock, config } = deps;
  return async function housekeeping(): Promise<{ sessions: number; tokens: number; throttles: number }> {
    const now = clock.now();
    const sessions = await deleteExpiredSessions(db, now.toISOString());
    const tokenCutoff = new Date(now.getTime() - TOKEN_GRACE_MS).toISOString();
    const tokens = await deleteSpentTokens(db, tokenCutoff);
    // The longest window any limit uses is an hour (sign-up notices, resends); lockouts carry their own end.
    const windowCutoff = new Date(now.getTime() - Math.max(3600, config.limits.failureWindowSeconds) * 1000).toISOString();
    const throttles = await deleteIdleThrottles(db, windowCutoff, now.toISOString());
    return { sessions, tokens, throttles };
  };
}
