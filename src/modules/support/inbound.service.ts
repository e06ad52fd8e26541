import type { RequestContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { normalizeEmail } from '../accounts/index.ts';
import type { SupportDeps } from './support.deps.ts';
import { SupportErrors } from './support.errors.ts';
import { CLOSE_REASONS } from './support.views.ts';
import { type AttachmentInput, checkAttachments } from './tickets.core.ts';
import * as repo from './tickets.repository.ts';
import type { Tickets } from './tickets.service.ts';
import { BODY_MAX, SUBJECT_MAX, SYSTEM_VERSION_MAX } from './tickets.service.ts';
import type { InboundMail, InboundOutcome } from './inbound.types.ts';

const EXPLANATIONS = { max: 3, windowSeconds: 3600, lockSeconds: 3600 };

/** SUP-7: a mail names its system version on a line of its own, "System version: Ubuntu 22.04", as the web form asks for it. */
const SYSTEM_VERSION_LINE = /^[ \t]*system(?:[ \t]+version)?[ \t]*:[ \t]*(\S[^\r\n]*?)[ \t]*$/im;

export function systemVersionIn(body: string): string | null {
  const found = SYSTEM_VERSION_LINE.exec(body.slice(0, 20_000))?.[1];
  return found ? found.slice(0, SYSTEM_VERSION_MAX) : null;
}

/**
 * Mail to the support address (SUP-1). A reply joins the ticket whose message
 * it names in In-Reply-To or References, whatever its subject; anything else
 * from an admin opens a new ticket. Auto-replies (RFC 3834) are recorded on
 * their ticket and change nothing, and never open one. Anyone else gets one
 * explanation (never an automatic sender: no mail loops) and no ticket.
 */
export function createInbound(deps: SupportDeps, tickets: Tickets) {
  const { db, mail, config } = deps;

  /**
   * At most a few explanations per address and hour: the sender of a mail is
   * not proven, so without a limit anyone could have us mail a stranger again
   * and again (backscatter).
   */
  async function mayExplain(to: string): Promise<boolean> {
    try {
      await deps.throttle.consume(`support.explain:${normalizeEmail(to)}`, EXPLANATIONS, SupportErrors.tooManyMails);
      return true;
    } catch (e) {
      if (e instanceof AppError && e.is(SupportErrors.tooManyMails)) return false;
      throw e;
    }
  }

  async function explain(ex: Executor, to: string, inReplyTo: string | null, subject: string): Promise<void> {
    await mail.enqueue(ex, {
      to,
      subject: `Re: ${subject || 'your message to Castellan support'}`.slice(0, 250),
      text:
        "We could not open a support ticket from your message: Castellan support is for the administrators of our customers' organizations, " +
        'writing from the verified address of their administrator account.\n\n' +
        `${CLOSE_REASONS.end_user_support}\n\nIf you are an administrator, write from your account's address, or open a ticket at ${config.publicUrl}/console/support.\n`,
      headers: { 'Auto-Submitted': 'auto-replied', ...(inReplyTo ? { 'In-Reply-To': inReplyTo, References: inReplyTo } : {}) },
    });
  }

  /**
   * The organization a mail is for: the one whose ticket it answers, else the sender's only
   * organization. Someone who administers several must reply on a ticket or use the web form.
   */
  async function orgOfMail(orgIds: string[], threadIds: string[]): Promise<string | undefined> {
    for (const orgId of orgIds) if (await repo.findTicketIdByMessageIds(db, orgId, threadIds)) return orgId;
    return orgIds.length === 1 ? orgIds[0] : undefined;
  }

  async function receiveMail(ctx: RequestContext, m: InboundMail): Promise<InboundOutcome> {
    if (!m.from) return { kind: 'refused', reason: 'no_sender' };
    const subject = (m.subject.trim() || '(no subject)').slice(0, SUBJECT_MAX);
    const body = (m.text.replace(/\r\n/g, '\n').trim() || '(empty message)').slice(0, BODY_MAX);
    const attachments: AttachmentInput[] = checkAttachments(
      m.attachments.filter((a) => a.content.length > 0 && a.content.length <= config.maxAttachmentBytes).slice(0, 10),
      config.maxAttachmentBytes,
    );
    // SUP-1: only an active admin with a verified address may write to support.
    const admin = await deps.people.adminByEmail(db, m.from);
    const threadIds = [...new Set([...m.inReplyTo, ...m.references])].slice(-50);
    const orgId = admin ? await orgOfMail(admin.orgIds, threadIds) : undefined;
    if (!admin || !orgId) {
      // RFC 3834 §4: answers go to the envelope sender (Return-Path) when there is one.
      const to = m.envelopeFrom ?? m.from;
      if (!m.autoSubmitted && (await mayExplain(to))) {
        await db.transaction().execute((trx) => explain(trx, to, m.messageId, subject));
        mail.wake();
      }
      return { kind: 'refused', reason: 'not_an_admin' };
    }
    const sender = admin.person;
    const actor: RequestContext = { ...ctx, actor: { type: 'user', id: sender.id } };
    // Read before the transaction (the knowledge base reads on its own connection), and only for a
    // mail that will open a ticket; the transaction checks again.
    const threaded = await repo.findTicketIdByMessageIds(db, orgId, threadIds);
    const systemVersion = systemVersionIn(body);
    const found = threaded || m.autoSubmitted ? { eol: null, suggestions: [] } : await tickets.lookups(orgId, subject, body, systemVersion);
    const outcome = await db.transaction().execute(async (trx): Promise<InboundOutcome> => {
      if (m.messageId) {
        const seen = await repo.findTicketIdByMessageIds(trx, orgId, [m.messageId]);
        if (seen) return { kind: 'duplicate', ticketId: seen };
      }
      const ticketId = await repo.findTicketIdByMessageIds(trx, orgId, threadIds);
      const existing = ticketId ? await repo.findTicket(trx, orgId, ticketId) : undefined;
      if (existing) {
        await tickets.customerReply(trx, actor, existing, sender, {
          body,
          channel: 'email',
          messageId: m.messageId,
          autoSubmitted: m.autoSubmitted,
          attachments,
        });
        return { kind: m.autoSubmitted ? 'recorded' : 'replied', ticketId: existing.id };
      }
      if (m.autoSubmitted) return { kind: 'ignored', reason: 'automatic' };
      const org = await deps.people.organization(trx, orgId);
      if (!org) return { kind: 'refused', reason: 'not_an_admin' };
      const fields = { subject, body, environment: 'production' as const, productionImpact: false, systemVersion };
      const t = await tickets.open(trx, actor, org, sender, fields, 'email', { messageId: m.messageId, attachments }, found);
      return { kind: 'opened', ticketId: t.id };
    });
    mail.wake();
    return outcome;
  }

  return { receiveMail };
}
