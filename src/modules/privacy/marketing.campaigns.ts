import type { Campaign, CampaignBody } from '../../contracts/marketing.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError } from '../../core/errors.ts';
import { type Caller, accountIdOf, requireCapability } from '../../core/caller.ts';
import { AccountsErrors, optionalText, requiredText } from '../accounts/index.ts';
import type { OutgoingMail } from '../mail/index.ts';
import type { Consent } from './consent.service.ts';
import * as repo from './marketing.repository.ts';
import { openToken, unsubscribeToken } from './marketing.tokens.ts';
import { customerIds } from './marketing.contacts.ts';
import type { CustomerContact, PrivacyDeps } from './privacy.deps.ts';
import { PrivacyErrors } from './privacy.errors.ts';

/** A list is a short slug, e.g. `newsletter`: it appears in the mail and on the unsubscribe page. */
export const LIST_PATTERN = '^[a-z0-9][a-z0-9-]{0,39}$';
export const CAMPAIGN_LIMITS = { subject: 200, text: 100_000, html: 200_000 } as const;

export type CampaignInput = CampaignBody;
/** A campaign sent: `recipients` counts the messages queued, one per recipient who allowed marketing email then. */
export type CampaignView = Campaign;

const BATCH = 500;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function validInput(input: CampaignInput) {
  if (!new RegExp(LIST_PATTERN).test(input.list)) throw new AppError(PrivacyErrors.invalidList, undefined, { details: { field: 'list' } });
  const subject = requiredText(input.subject, 'subject', CAMPAIGN_LIMITS.subject);
  if (/[\r\n]/.test(subject)) throw new AppError(AccountsErrors.invalidField, 'The subject must be a single line.', { details: { field: 'subject' } });
  return {
    list: input.list,
    subject,
    text: requiredText(input.text, 'text', CAMPAIGN_LIMITS.text),
    html: optionalText(input.html, 'html', CAMPAIGN_LIMITS.html),
  };
}

/** PRV-7: a campaign queues one marketing message per recipient who allows it, each with its own one-click unsubscribe. */
export function createCampaigns(deps: PrivacyDeps, consent: Consent) {
  const { db, clock, audit, mail, config } = deps;

  /**
   * One recipient's message. RFC 8058 §3.1: `List-Unsubscribe` names an HTTPS
   * URI (https whenever the public URL is) and `List-Unsubscribe-Post` says a
   * POST to it unsubscribes with one click. The same link is in the body for
   * people, and the tracking pixel only goes to those who allow analytics.
   */
  function render(c: CustomerContact, campaign: { id: string; list: string; subject: string; text: string; html: string | null }, tracked: boolean, now: Date): OutgoingMail {
    const unsubscribe = `${config.publicUrl}/unsubscribe?token=${unsubscribeToken(deps.secretKey, { userId: c.id, list: campaign.list, issuedAt: now })}`;
    const why = `You receive this ${config.siteName} "${campaign.list}" email because you have not opted out of marketing email.`;
    const text = `${campaign.text}\n\n-- \n${why}\nUnsubscribe with one click: ${unsubscribe}\n`;
    let html: string | undefined;
    if (campaign.html !== null) {
      const pixel = tracked
        ? `<img src="${escapeHtml(`${config.publicUrl}/mail/open?token=${openToken(deps.secretKey, { userId: c.id, campaignId: campaign.id, issuedAt: now })}`)}" width="1" height="1" alt="" style="border:0">`
        : '';
      const footer = `<p style="font-size:12px;color:#666">${escapeHtml(why)} <a href="${escapeHtml(unsubscribe)}">Unsubscribe</a></p>${pixel}`;
      const end = campaign.html.search(/<\/body>(?![\s\S]*<\/body>)/i);
      html = end < 0 ? `${campaign.html}\n${footer}` : `${campaign.html.slice(0, end)}${footer}${campaign.html.slice(end)}`;
    }
    return {
      to: c.email,
      subject: campaign.subject,
      text,
      ...(html === undefined ? {} : { html }),
      headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      category: 'marketing',
      userId: c.id,
      list: campaign.list,
    };
  }

  /**
   * Queues the campaign for every active customer with a verified address who
   * allows marketing email now, and records it, in one transaction. Whoever
   * opts out before their message leaves is skipped by the mail worker (the
   * send-time check), so the list read here is only a first cut.
   */
  async function send(ctx: RequestContext, caller: Caller, input: CampaignInput, onProgress: (done: number, total: number) => void = () => {}): Promise<CampaignView> {
    requireCapability(caller, 'privacy.campaigns');
    const campaign = { id: newId('cmp'), ...validInput(input) };
    const now = clock.now();
    const createdBy = accountIdOf(caller);
    const recipients = await db.transaction().execute(async (trx) => {
      const candidates = await customerIds(deps, trx, true);
      const allowed = await consent.usersAllowing('marketing_email', candidates, trx);
      const tracked = new Set(campaign.html === null ? [] : await consent.usersAllowing('analytics', allowed, trx));
      let queued = 0;
      let done = 0;
      onProgress(0, allowed.length);
      for (const batch of chunks(allowed, BATCH)) {
        for (const c of await deps.people.contacts(trx, batch)) {
          await mail.enqueue(trx, render(c, campaign, tracked.has(c.id), now));
          queued += 1;
        }
        done += batch.length;
        onProgress(done, allowed.length);
      }
      await repo.insertCampaign(trx, { id: campaign.id, list: campaign.list, subject: campaign.subject, created_by: createdBy, recipients: queued, created_at: now.toISOString() });
      await audit.record(trx, ctx, {
        action: 'privacy.campaign_sent',
        target: { type: 'mail_campaign', id: campaign.id },
        details: { list: campaign.list, recipients: queued, withHtml: campaign.html !== null },
      });
      return queued;
    });
    mail.wake();
    return { id: campaign.id, list: campaign.list, subject: campaign.subject, recipients, createdBy, createdAt: now.toISOString() };
  }

  return { send };
}

export type Campaigns = ReturnType<typeof createCampaigns>;
