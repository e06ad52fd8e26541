import type { RequestContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import type { OutboxMessage } from '../mail/index.ts';
import { createCampaigns } from './marketing.campaigns.ts';
import { createContacts } from './marketing.contacts.ts';
import * as repo from './marketing.repository.ts';
import { readOpenToken, readUnsubscribeToken } from './marketing.tokens.ts';
import type { Consent, Subject } from './consent.service.ts';
import type { PrivacyDeps } from './privacy.deps.ts';
import { PrivacyErrors } from './privacy.errors.ts';

/** What the unsubscribe page shows, read without changing anything. */
export interface UnsubscribeStatus {
  list: string;
  /** false: marketing email is already refused (or the account is gone). */
  subscribed: boolean;
}

/** PRV-7: marketing mail (campaigns, the send-time check, one-click unsubscribe, opens) and contact exports. */
export function createMarketing(deps: PrivacyDeps, consent: Consent) {
  const { db, clock, secretKey } = deps;
  const campaigns = createCampaigns(deps, consent);
  const contacts = createContacts(deps, consent);

  const userSubject = (id: string): Subject => ({ type: 'user', id });
  const activeCustomer = async (userId: string) => (await deps.people.contacts(db, [userId]))[0]?.status === 'active';

  /**
   * The mail worker's last question before a message leaves. Transactional
   * mail always goes; marketing mail only to an active account whose
   * marketing_email is allowed at this moment, so an opt-out made after the
   * campaign was queued still wins.
   */
  async function allowSend(message: OutboxMessage): Promise<boolean> {
    if (message.category !== 'marketing') return true;
    if (!message.userId) return false;
    if (!(await consent.allows(userSubject(message.userId), 'marketing_email'))) return false;
    return activeCustomer(message.userId);
  }

  function claimsOf(token: string) {
    const claims = readUnsubscribeToken(secretKey, token, clock.now());
    if (!claims) throw new AppError(PrivacyErrors.invalidUnsubscribeLink);
    return claims;
  }

  /** For the page a GET shows: link scanners fetch it, so it changes nothing (RFC 8058). */
  async function unsubscribeStatus(token: string): Promise<UnsubscribeStatus> {
    const { userId, list } = claimsOf(token);
    const exists = (await deps.people.contacts(db, [userId])).length > 0;
    return { list, subscribed: exists && (await consent.allows(userSubject(userId), 'marketing_email')) };
  }

  /**
   * RFC 8058 one-click unsubscribe: the token alone proves the request; no
   * session or cookie is needed. Records marketing_email refused, from the
   * email link, at once; repeating it records nothing more. A token for an
   * account that no longer exists is answered the same way, with nothing to record.
   */
  async function unsubscribe(ctx: RequestContext, token: string): Promise<{ list: string }> {
    const { userId, list } = claimsOf(token);
    if ((await deps.people.contacts(db, [userId])).length > 0) {
      await consent.set(ctx, userSubject(userId), [{ purpose: 'marketing_email', granted: false }], 'email_link');
    }
    return { list };
  }

  /** The tracking pixel was fetched: kept only for a genuine token, while its recipient allows analytics. */
  async function recordOpen(token: string): Promise<boolean> {
    const claims = readOpenToken(secretKey, token, clock.now());
    if (!claims) return false;
    if (!(await consent.allows(userSubject(claims.userId), 'analytics'))) return false;
    if (!(await deps.people.contacts(db, [claims.userId])).length || !(await repo.findCampaign(db, claims.campaignId))) return false;
    await repo.insertOpen(db, { campaign_id: claims.campaignId, user_id: claims.userId, created_at: clock.now().toISOString() });
    return true;
  }

  return {
    allowSend,
    sendCampaign: campaigns.send,
    unsubscribeStatus,
    unsubscribe,
    recordOpen,
    exportContacts: contacts.exportContacts,
  };
}

export type Marketing = ReturnType<typeof createMarketing>;
