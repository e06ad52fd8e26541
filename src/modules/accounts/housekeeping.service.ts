import type { AccountsDeps } from './accounts.deps.ts';
import { deleteExpiredSessions } from './sessions.repository.ts';

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
    const tokens = await db
      .deleteFrom('one_time_tokens')
      .where((eb) => eb.or([eb('expires_at', '<', tokenCutoff), eb('used_at', '<', tokenCutoff)]))
      .executeTakeFirst();
    // The longest window any limit uses is an hour (sign-up notices, resends); lockouts carry their own end.
    const windowCutoff = new Date(now.getTime() - Math.max(3600, config.limits.failureWindowSeconds) * 1000).toISOString();
    const throttles = await db
      .deleteFrom('throttles')
      .where('window_started_at', '<', windowCutoff)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now.toISOString())]))
      .executeTakeFirst();
    return { sessions, tokens: Number(tokens.numDeletedRows), throttles: Number(throttles.numDeletedRows) };
  };
}
