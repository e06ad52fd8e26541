import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { type DataSubject, emptyErasure, erasedMark, exportRows, keptErasure, type PersonalDataHandler, type WithheldColumn } from '../rights/index.ts';
import * as repo from './personal-data.repository.ts';

const WITHHELD: WithheldColumn[] = [{ table: 'support_verifications', column: 'token_hash', why: 'a hash of the confirmation link: a credential (SUP-6)' }];
const MARK = erasedMark('support_inquiry');
/** Shorter names would match inside ordinary words. */
const MIN_NAME = 3;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Free text with the person's address and names replaced by the mark, wherever and however they are cased. */
function scrubber(subject: DataSubject): (text: string) => string {
  const needles = [subject.email, ...subject.names].filter((n): n is string => !!n && n.trim().length >= MIN_NAME);
  if (needles.length === 0) return (text) => text;
  const pattern = new RegExp(needles.sort((a, b) => b.length - a.length).map(escape).join('|'), 'gi');
  return (text) => text.replace(pattern, MARK);
}

/**
 * The support module's handler (DSR-1, DSR-5): the tickets an account opened, their messages and
 * attachments, and the verifications (SUP-6) that name the person. Support inquiries are kept for
 * record keeping under `support_inquiry`, de-identified: the requester's and the person's own
 * authors' names become a mark naming the exception, their account links are cleared, and the
 * person's address and names are replaced wherever they appear in a ticket's subject and messages
 * (staff replies included). Attachments the person sent are removed: a file cannot be
 * de-identified. Verifications hold only ids, of an account that no longer exists and a membership
 * that is de-identified; they are kept as they are.
 */
export function createSupportPersonalData(db: Kysely<Database>): PersonalDataHandler {
  return {
    module: 'support',
    tables: ['support_tickets', 'support_messages', 'support_attachments', 'support_verifications'],
    withheld: WITHHELD,
    async export(subject, ex = db) {
      const verifications = exportRows('support_verifications', await repo.verificationsAbout(ex, subject.accountId, subject.membershipIds), WITHHELD);
      if (!subject.accountId) return { support_tickets: [], support_messages: [], support_attachments: [], support_verifications: verifications };
      const tickets = await repo.ticketsOpenedBy(ex, subject.accountId);
      const messages = await repo.messagesFor(ex, subject.accountId, tickets.map((t) => t.id));
      const attachments = await repo.attachmentsOf(ex, messages.map((m) => m.id));
      return {
        support_tickets: exportRows('support_tickets', tickets, WITHHELD),
        support_messages: exportRows('support_messages', messages, WITHHELD),
        support_attachments: exportRows('support_attachments', attachments, WITHHELD),
        support_verifications: verifications,
      };
    },
    async erase(subject, _reason, ex = db) {
      const verifications = (await repo.verificationsAbout(ex, subject.accountId, subject.membershipIds)).length;
      const out = {
        support_tickets: emptyErasure(),
        support_messages: emptyErasure(),
        support_attachments: emptyErasure(),
        support_verifications: keptErasure(verifications, 'support_inquiry', 'unchanged'),
      };
      const accountId = subject.accountId;
      if (!accountId) return out;
      const scrub = scrubber(subject);
      const tickets = await repo.ticketsOpenedBy(ex, accountId);
      let ticketsKept = 0;
      for (const t of tickets) {
        ticketsKept += await repo.deidentifyTicket(ex, t.org_id, t.id, { requesterName: MARK, subject: scrub(t.subject), closeNote: t.close_note === null ? null : scrub(t.close_note) });
      }
      const messages = await repo.messagesFor(ex, accountId, tickets.map((t) => t.id));
      let messagesKept = 0;
      for (const m of messages) {
        const own = m.author_id === accountId;
        messagesKept += await repo.deidentifyMessage(ex, m.org_id, m.id, { authorId: own ? null : m.author_id, authorName: own ? MARK : scrub(m.author_name), body: scrub(m.body) });
      }
      out.support_attachments.deleted = await repo.deleteAttachments(ex, messages.filter((m) => m.author_id === accountId).map((m) => m.id));
      out.support_tickets = keptErasure(ticketsKept, 'support_inquiry', 'deidentified');
      out.support_messages = keptErasure(messagesKept, 'support_inquiry', 'deidentified');
      return out;
    },
  };
}
