import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { type Caller, can, isMemberOf } from '../../core/caller.ts';
import { type Dues, type Targets, duesOf } from './sla.ts';
import type { SupportDeps } from './support.deps.ts';
import { SupportErrors } from './support.errors.ts';
import type { SupportTicketsTable } from './support.tables.ts';
import { type AttachmentInfo, type TicketSummary, type TicketView, toMessageView, toTicketSummary } from './support.views.ts';
import * as repo from './tickets.repository.ts';

export interface AttachmentInput {
  filename: string;
  contentType: string;
  content: Buffer;
}

export const MAX_ATTACHMENTS = 10;
/** Outbound References headers name at most this many earlier messages (the first and the latest ones). */
const MAX_REFERENCES = 20;

/**
 * SUP-1: only an organization's active, verified admins open and answer its
 * tickets. Another organization's ticket is not even confirmed to exist; a
 * user of the organization who is not an admin is told where end-user support
 * comes from.
 */
export function requireSupportAdmin(caller: Caller, orgId: string): void {
  if (can(caller, 'support.open', { orgId })) return;
  if (caller.kind === 'staff') throw new AppError(CommonErrors.forbidden);
  if (!isMemberOf(caller, orgId)) throw new AppError(CommonErrors.notFound);
  throw new AppError(SupportErrors.adminsOnly);
}

/** File names are shown and sent back in Content-Disposition: keep them short and printable. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // Bidirectional controls (U+202A–U+202E, U+2066–U+2069, and the marks) would let "invoice\u202Efdp.exe"
  // show as "invoiceexe.pdf": they are removed, as control characters are.
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  const printable = base.replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '_').trim();
  return (printable || 'attachment').slice(0, 200);
}

const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

export function checkAttachments(list: AttachmentInput[], maxBytes: number): AttachmentInput[] {
  if (list.length > MAX_ATTACHMENTS) {
    throw new AppError(SupportErrors.invalidAttachment, `At most ${MAX_ATTACHMENTS} attachments per message.`, { details: { field: 'attachments' } });
  }
  return list.map((a, i) => {
    if (a.content.length === 0) throw new AppError(SupportErrors.invalidAttachment, 'An attachment is empty.', { details: { field: `attachments/${i}` } });
    if (a.content.length > maxBytes) {
      throw new AppError(SupportErrors.attachmentTooLarge, `Each attachment may be at most ${maxBytes} bytes.`, {
        details: { field: `attachments/${i}`, limit: maxBytes },
      });
    }
    const type = CONTENT_TYPE.test(a.contentType) ? a.contentType.toLowerCase() : 'application/octet-stream';
    return { filename: cleanFilename(a.filename), contentType: type, content: a.content };
  });
}

/** The pieces every desk operation shares: service levels, messages, outbound mail and views. */
export function createDeskCore(deps: SupportDeps) {
  const { clock, mail, config } = deps;

  async function targetsFor(ex: Executor, t: SupportTicketsTable): Promise<Targets | null> {
    if (!t.sla_started_at) return null;
    const row = await repo.findTargets(ex, t.plan, t.priority);
    if (!row) return null;
    return { firstResponseHours: row.first_response_hours, nextResponseHours: row.next_response_hours, resolutionHours: row.resolution_hours };
  }

  /** Applies a change to a ticket and recomputes its due times (SUP-4); answers the ticket as stored. */
  async function saveTicket(ex: Executor, t: SupportTicketsTable, patch: Partial<SupportTicketsTable>): Promise<SupportTicketsTable> {
    const next = { ...t, ...patch, updated_at: clock.now().toISOString() };
    const dues: Dues = duesOf(next, await targetsFor(ex, next));
    const saved = { ...next, ...dues };
    await repo.updateTicket(ex, t.org_id, t.id, { ...patch, ...dues, updated_at: saved.updated_at });
    return saved;
  }

  async function addMessage(
    ex: Executor,
    t: SupportTicketsTable,
    m: {
      authorKind: 'customer' | 'staff' | 'system';
      authorId: string | null;
      authorName: string;
      body: string;
      channel: 'web' | 'email';
      messageId: string | null;
      autoSubmitted?: boolean;
      attachments?: AttachmentInput[];
    },
  ): Promise<string> {
    const id = newId('msg');
    const now = clock.now().toISOString();
    await repo.insertMessage(ex, {
      id,
      ticket_id: t.id,
      org_id: t.org_id,
      seq: await repo.nextMessageSeq(ex, t.id),
      author_kind: m.authorKind,
      author_id: m.authorId,
      author_name: m.authorName,
      body: m.body,
      channel: m.channel,
      message_id: m.messageId,
      auto_submitted: m.autoSubmitted ? 1 : 0,
      created_at: now,
    });
    for (const a of m.attachments ?? []) {
      await repo.insertAttachment(ex, {
        id: newId('att'),
        ticket_id: t.id,
        message_id: id,
        org_id: t.org_id,
        filename: a.filename,
        content_type: a.contentType,
        size: a.content.length,
        content: a.content,
        created_at: now,
      });
    }
    return id;
  }

  /**
   * Sends a desk message to the admin who opened the ticket, threaded under
   * the ticket's earlier messages (RFC 5322 §3.6.4: In-Reply-To names the
   * latest, References the chain), and records it with its Message-ID so the
   * answer to it joins the ticket. Automatic answers say so (RFC 3834).
   */
  async function sendToRequester(
    ex: Executor,
    t: SupportTicketsTable,
    m: { authorKind: 'staff' | 'system'; authorId: string | null; authorName: string; body: string },
  ): Promise<void> {
    const thread = await repo.threadMessageIds(ex, t.org_id, t.id);
    const messageId = mail.newMessageId();
    await addMessage(ex, t, { ...m, channel: 'email', messageId });
    const requester = t.opened_by ? await deps.people.person(ex, t.opened_by) : undefined;
    if (!requester?.active) return;
    const refs = thread.length > MAX_REFERENCES ? [thread[0] as string, ...thread.slice(-(MAX_REFERENCES - 1))] : thread;
    const headers: Record<string, string> = { 'Reply-To': config.supportAddress };
    if (refs.length > 0) {
      headers['In-Reply-To'] = refs.at(-1) as string;
      headers.References = refs.join(' ');
    }
    if (m.authorKind === 'system') headers['Auto-Submitted'] = 'auto-replied';
    const link = `${config.publicUrl}/console/support/${t.id}`;
    await mail.enqueue(ex, {
      to: requester.email,
      subject: `Re: ${t.subject} [${t.id}]`,
      text: `${m.body}\n\n-- \n${m.authorName}, Castellan support\nReply to this message, or see the ticket at ${link}\n`,
      headers,
      messageId,
      userId: requester.id,
    });
  }

  async function staffName(ex: Executor, id: string | null): Promise<string | null> {
    if (!id) return null;
    return (await deps.people.person(ex, id))?.name ?? null;
  }

  async function summaryOf(ex: Executor, t: SupportTicketsTable): Promise<TicketSummary> {
    return toTicketSummary(t, await staffName(ex, t.specialist_id));
  }

  async function viewOf(ex: Executor, t: SupportTicketsTable): Promise<TicketView> {
    const [messages, files] = await Promise.all([repo.listMessages(ex, t.org_id, t.id), repo.listAttachmentInfo(ex, t.org_id, t.id)]);
    const byMessage = new Map<string, AttachmentInfo[]>();
    for (const f of files) {
      const list = byMessage.get(f.message_id) ?? [];
      list.push({ id: f.id, filename: f.filename, contentType: f.content_type, size: f.size });
      byMessage.set(f.message_id, list);
    }
    const suggestions = t.eligibility === 'limited' || t.eol_system ? await deps.kb.suggest(t.subject, 3) : [];
    return {
      ...(await summaryOf(ex, t)),
      messages: messages.map((m) => toMessageView(m, byMessage.get(m.id) ?? [])),
      suggestions,
    };
  }

  return { targetsFor, saveTicket, addMessage, sendToRequester, summaryOf, viewOf };
}

export type DeskCore = ReturnType<typeof createDeskCore>;
