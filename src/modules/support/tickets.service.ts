import type { ListTicketsQuery, OpenTicketBody, ReplyBody } from '../../contracts/support.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { type Caller, accountIdOf } from '../../core/caller.ts';
import { requiredText } from '../accounts/index.ts';
import { formatSupportTimeForPeople } from './calendar.ts';
import { eligibilityOf } from './eligibility.ts';
import { pause, resume } from './sla.ts';
import type { ArticleSuggestion, SupportDeps, SupportOrganization, SystemVersionStatus } from './support.deps.ts';
import { SupportErrors } from './support.errors.ts';
import type { SupportTicketsTable } from './support.tables.ts';
import { ENVIRONMENTS, type Environment, type TicketStatus, type TicketSummary, type TicketView, TICKET_STATUSES } from './support.views.ts';
import { type AttachmentInput, type DeskCore, checkAttachments, requireSupportAdmin } from './tickets.core.ts';
import * as repo from './tickets.repository.ts';

export const SUBJECT_MAX = 200;
export const BODY_MAX = 50_000;
export const SYSTEM_VERSION_MAX = 100;

/** A ticket opened by web: the HTTP contract's body, its attachments decoded. */
export type OpenTicketInput = Omit<OpenTicketBody, 'attachments'> & { attachments?: AttachmentInput[] | undefined };

export type ReplyInput = Omit<ReplyBody, 'attachments'> & { attachments?: AttachmentInput[] | undefined };

/** What an opening needs besides the request: read before the transaction (the knowledge base reads on its own). */
interface Lookups {
  eol: SystemVersionStatus | null;
  suggestions: ArticleSuggestion[];
}

const DESK = 'Castellan support';

function checkBody(body: string): string {
  const text = typeof body === 'string' ? body.replace(/\r\n/g, '\n').trim() : '';
  if (!text) throw new AppError(CommonErrors.invalid, 'The message is empty.', { details: { field: 'body' } });
  if (text.length > BODY_MAX) throw new AppError(CommonErrors.invalid, `The message may be at most ${BODY_MAX} characters.`, { details: { field: 'body' } });
  return text;
}

function suggestionLines(list: ArticleSuggestion[]): string {
  return list.length ? `\n\nThese knowledge-base articles may answer your question:\n${list.map((s) => `- ${s.title}: ${s.url}`).join('\n')}` : '';
}

/** SUP-1, SUP-2, SUP-4, SUP-7: org admins open tickets and converse, by web or by mail. */
export function createTickets(deps: SupportDeps, core: DeskCore) {
  const { db, clock, audit, kb, config } = deps;

  /**
   * What the first answer may need from the knowledge base: whether the
   * system version is past its end of life, and, for an organization whose
   * support is limited now, the articles to suggest.
   */
  async function lookups(orgId: string, subject: string, body: string, systemVersion: string | null): Promise<Lookups> {
    const eol = systemVersion ? await kb.checkSystemVersion(systemVersion, clock.now()) : null;
    const org = await deps.people.organization(db, orgId);
    const limited = !!org && eligibilityOf(org, clock.now()).level === 'limited';
    const suggestions = limited ? await kb.suggest(`${subject} ${body.slice(0, 2000)}`, 3) : [];
    return { eol: eol?.endOfLife ? eol : null, suggestions };
  }

  /** Opens a ticket inside `trx`: eligibility (SUP-2), routing, the first answer and the clocks. */
  async function open(
    trx: Executor,
    ctx: RequestContext,
    org: SupportOrganization,
    requester: { id: string; name: string },
    input: { subject: string; body: string; environment: Environment; productionImpact: boolean; systemVersion: string | null },
    channel: 'web' | 'email',
    inbound: { messageId: string | null; attachments: AttachmentInput[] },
    found: Lookups,
  ): Promise<SupportTicketsTable> {
    const now = clock.now();
    const at = now.toISOString();
    const eligibility = eligibilityOf(org, now);
    const specialist = org.plan === 'jumpstart' && eligibility.level === 'full' ? await repo.findSpecialist(trx, org.id) : undefined;
    const ticket: SupportTicketsTable = {
      id: newId('tkt'),
      org_id: org.id,
      opened_by: requester.id,
      requester_name: requester.name,
      subject: input.subject,
      environment: input.environment,
      production_impact: input.productionImpact ? 1 : 0,
      system_version: input.systemVersion,
      eol_system: found.eol?.system ?? null,
      eol_version: found.eol?.version ?? null,
      eol_on: found.eol?.endOfLifeOn ?? null,
      // SUP-5: only a production environment with impact is urgent by itself.
      priority: input.environment === 'production' && input.productionImpact ? 'high' : 'normal',
      status: 'open',
      channel,
      plan: org.plan,
      eligibility: eligibility.level,
      eligibility_reason: eligibility.reason,
      full_support_until: eligibility.fullSupportUntil,
      critical_defect: 0,
      specialist_id: specialist?.staff_id ?? null,
      close_reason: null,
      close_note: null,
      sla_started_at: eligibility.level === 'full' ? at : null,
      sla_paused_seconds: 0,
      sla_paused_since: null,
      first_response_due_at: null,
      first_responded_at: null,
      next_response_started_at: null,
      next_response_pause_base: 0,
      next_response_due_at: null,
      resolution_due_at: null,
      created_at: at,
      updated_at: at,
      closed_at: null,
    };
    await repo.insertTicket(trx, ticket);
    await core.addMessage(trx, ticket, {
      authorKind: 'customer',
      authorId: requester.id,
      authorName: requester.name,
      body: input.body,
      channel,
      messageId: inbound.messageId,
      attachments: inbound.attachments,
    });
    await audit.record(trx, ctx, {
      action: 'support.ticket_opened',
      orgId: org.id,
      target: { type: 'support_ticket', id: ticket.id },
      details: { channel, environment: input.environment, productionImpact: input.productionImpact, eligibility: eligibility.level, plan: org.plan },
    });
    return firstAnswer(trx, ticket, found);
  }

  /**
   * The desk's automatic first answer: knowledge-base suggestions for limited
   * support (SUP-2), a request to update first for an end-of-life system
   * (SUP-7); both then wait on the customer. Otherwise an acknowledgment
   * with the first-response due time (SUP-4).
   */
  async function firstAnswer(trx: Executor, ticket: SupportTicketsTable, found: Lookups): Promise<SupportTicketsTable> {
    const now = clock.now();
    if (ticket.eligibility === 'limited') {
      const saved = await core.saveTicket(trx, ticket, { status: 'pending', ...pause(ticket, now) });
      await core.sendToRequester(trx, saved, {
        authorKind: 'system',
        authorId: null,
        authorName: DESK,
        body: `${ticket.eligibility_reason}${suggestionLines(found.suggestions)}\n\nIf this is a critical defect that affects Castellan's customers, reply and say so: our staff will review it.`,
      });
      return saved;
    }
    if (found.eol) {
      const saved = await core.saveTicket(trx, ticket, { status: 'pending', ...pause(ticket, now) });
      await core.sendToRequester(trx, saved, {
        authorKind: 'system',
        authorId: null,
        authorName: DESK,
        body: `${found.eol.system} ${found.eol.version} reached its end of life${found.eol.endOfLifeOn ? ` on ${found.eol.endOfLifeOn}` : ''} and is no longer supported. Please update to a supported version first (see ${config.publicUrl}/kb/supported), then reply to this ticket if the problem remains.`,
      });
      return saved;
    }
    const saved = await core.saveTicket(trx, ticket, {});
    const due = saved.first_response_due_at ? ` You will have a first answer by ${formatSupportTimeForPeople(new Date(saved.first_response_due_at))} (America/Denver time).` : '';
    await core.sendToRequester(trx, saved, {
      authorKind: 'system',
      authorId: null,
      authorName: DESK,
      body: `We received your request "${ticket.subject}".${due} Support works Monday to Friday, 9:00 to 17:00 America/Denver, except U.S. federal holidays.`,
    });
    return saved;
  }

  /** A customer's message on an existing ticket: reopens it and restarts the clocks; an automatic one changes nothing. */
  async function customerReply(
    trx: Executor,
    ctx: RequestContext,
    ticket: SupportTicketsTable,
    author: { id: string; name: string },
    msg: { body: string; channel: 'web' | 'email'; messageId: string | null; autoSubmitted: boolean; attachments: AttachmentInput[] },
  ): Promise<SupportTicketsTable> {
    if (msg.autoSubmitted) {
      // RFC 3834 / SUP-1: an auto-reply is kept for the record and moves nothing.
      await core.addMessage(trx, ticket, { authorKind: 'customer', authorId: author.id, authorName: author.name, ...msg });
      return ticket;
    }
    const now = clock.now();
    const patch: Partial<SupportTicketsTable> = { status: 'open' };
    if (ticket.status === 'closed') Object.assign(patch, { closed_at: null, close_reason: null, close_note: null });
    Object.assign(patch, resume(ticket, now));
    const pausedSeconds = patch.sla_paused_seconds ?? ticket.sla_paused_seconds;
    if (ticket.first_responded_at && !ticket.next_response_started_at) {
      Object.assign(patch, { next_response_started_at: now.toISOString(), next_response_pause_base: pausedSeconds });
    }
    await core.addMessage(trx, ticket, { authorKind: 'customer', authorId: author.id, authorName: author.name, ...msg });
    const saved = await core.saveTicket(trx, ticket, patch);
    await audit.record(trx, ctx, {
      action: ticket.status === 'closed' ? 'support.ticket_reopened' : 'support.customer_replied',
      orgId: ticket.org_id,
      target: { type: 'support_ticket', id: ticket.id },
      details: { channel: msg.channel },
    });
    return saved;
  }

  async function openByWeb(ctx: RequestContext, caller: Caller, orgId: string, input: OpenTicketInput): Promise<TicketView> {
    requireSupportAdmin(caller, orgId);
    const subject = requiredText(input.subject, 'subject', SUBJECT_MAX);
    const body = checkBody(input.body);
    if (!(ENVIRONMENTS as readonly string[]).includes(input.environment)) {
      throw new AppError(CommonErrors.invalid, `The environment must be one of ${ENVIRONMENTS.join(', ')}.`, { details: { field: 'environment' } });
    }
    const systemVersion = input.systemVersion ? requiredText(input.systemVersion, 'systemVersion', SYSTEM_VERSION_MAX) : null;
    const attachments = checkAttachments(input.attachments ?? [], config.maxAttachmentBytes);
    const found = await lookups(orgId, subject, body, systemVersion);
    const ticket = await db.transaction().execute(async (trx) => {
      const org = await deps.people.organization(trx, orgId);
      const requester = await deps.people.person(trx, accountIdOf(caller) ?? '');
      if (!org || !requester) throw new AppError(CommonErrors.notFound);
      const fields = { subject, body, environment: input.environment as Environment, productionImpact: input.productionImpact === true, systemVersion };
      return open(trx, ctx, org, requester, fields, 'web', { messageId: null, attachments }, found);
    });
    deps.mail.wake();
    return core.viewOf(db, ticket);
  }

  async function reply(ctx: RequestContext, caller: Caller, orgId: string, ticketId: string, input: ReplyInput): Promise<TicketView> {
    requireSupportAdmin(caller, orgId);
    const body = checkBody(input.body);
    const attachments = checkAttachments(input.attachments ?? [], config.maxAttachmentBytes);
    const ticket = await db.transaction().execute(async (trx) => {
      const t = await repo.findTicket(trx, orgId, ticketId);
      const author = await deps.people.person(trx, accountIdOf(caller) ?? '');
      if (!t || !author) throw new AppError(CommonErrors.notFound);
      return customerReply(trx, ctx, t, author, { body, channel: 'web', messageId: null, autoSubmitted: false, attachments });
    });
    return core.viewOf(db, ticket);
  }

  /** The customer closes their own ticket as resolved. */
  async function resolve(ctx: RequestContext, caller: Caller, orgId: string, ticketId: string): Promise<TicketView> {
    requireSupportAdmin(caller, orgId);
    const ticket = await db.transaction().execute(async (trx) => {
      const t = await repo.findTicket(trx, orgId, ticketId);
      if (!t) throw new AppError(CommonErrors.notFound);
      if (t.status === 'closed') throw new AppError(SupportErrors.ticketClosed);
      const now = clock.now();
      const saved = await core.saveTicket(trx, t, { status: 'closed', closed_at: now.toISOString(), close_reason: 'resolved', ...pause(t, now) });
      await audit.record(trx, ctx, { action: 'support.ticket_resolved', orgId, target: { type: 'support_ticket', id: t.id } });
      return saved;
    });
    return core.viewOf(db, ticket);
  }

  async function get(caller: Caller, orgId: string, ticketId: string): Promise<TicketView> {
    requireSupportAdmin(caller, orgId);
    const t = await repo.findTicket(db, orgId, ticketId);
    if (!t) throw new AppError(CommonErrors.notFound);
    return core.viewOf(db, t);
  }

  async function list(
    caller: Caller,
    orgId: string,
    opts: ListTicketsQuery,
  ): Promise<{ items: TicketSummary[]; nextCursor: string | null }> {
    requireSupportAdmin(caller, orgId);
    if (opts.status && !(TICKET_STATUSES as readonly string[]).includes(opts.status)) {
      throw new AppError(CommonErrors.invalid, `The status must be one of ${TICKET_STATUSES.join(', ')}.`, { details: { field: 'status' } });
    }
    const cursor = opts.cursor ? decodeCursor(opts.cursor) : undefined;
    const rows = await repo.listOrgTickets(db, orgId, { status: opts.status as TicketStatus | undefined, limit: opts.limit, cursor });
    const items = rows.slice(0, opts.limit);
    const last = items.at(-1);
    return {
      items: await Promise.all(items.map((t) => core.summaryOf(db, t))),
      nextCursor: rows.length > opts.limit && last ? Buffer.from(`${last.created_at}|${last.id}`).toString('base64url') : null,
    };
  }

  async function attachment(caller: Caller, orgId: string, ticketId: string, attachmentId: string) {
    requireSupportAdmin(caller, orgId);
    const a = await repo.findAttachment(db, orgId, ticketId, attachmentId);
    if (!a) throw new AppError(CommonErrors.notFound);
    return { filename: a.filename, contentType: a.content_type, content: Buffer.from(a.content) };
  }

  return { openByWeb, reply, resolve, get, list, attachment, open, customerReply, lookups };
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt))) throw new AppError(CommonErrors.invalid, 'The cursor is not valid.', { details: { field: 'cursor' } });
  return { createdAt, id };
}

export type Tickets = ReturnType<typeof createTickets>;
