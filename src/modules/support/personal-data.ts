import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database, Executor } from '../../db/schema.ts';
import { type DataSubject, emptyErasure, type ErasureOutcome, erasedMark, exportRows, keptErasure, type PersonalDataHandler, type WithheldColumn } from '../rights/index.ts';
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

/** Any email address in free text: an organization's tickets quote addresses of people the support tables cannot list. */
const ADDRESS = /[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+/g;

const wordsOf = (text: string): string[] => text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/**
 * DSR-6: an organization's tickets are closed (`organization_deleted`, closeOrgTickets) and kept for record keeping under `support_inquiry`,
 * de-identified: requester and customer authors become the mark, account links are cleared, the
 * organization's and its members' names (given by the registry), the names the tickets themselves
 * hold (requesters, customer authors) and every email address are
 * replaced in subjects, bodies and close notes. Staff replies keep their staff author. Attachments
 * go (a file cannot be de-identified); verifications (ids only) stay; the dedicated specialist's
 * assignment ends.
 */
async function eraseOrganization(ex: Executor, orgId: string, known: readonly string[], at: string): Promise<ErasureOutcome> {
  await repo.closeOrgTickets(ex, orgId, at);
  const tickets = await repo.ticketsOfOrg(ex, orgId);
  const messages = await repo.messagesOfOrg(ex, orgId);
  const names = [...known, ...tickets.map((t) => t.requester_name), ...messages.filter((m) => m.author_kind === 'customer').map((m) => m.author_name)].filter((n) => n !== MARK);
  // An organization may have 100,000 names: only those whose every word the tickets hold go into the pattern.
  const words = new Set(wordsOf([...tickets.flatMap((t) => [t.subject, t.close_note ?? '']), ...messages.map((m) => m.body)].join(' ')));
  const present = [...new Set(names)].filter((n) => wordsOf(n).every((w) => words.has(w)));
  const byName = scrubber({ accountId: null, email: null, membershipIds: [], names: present });
  const scrub = (text: string) => byName(text.replace(ADDRESS, MARK));
  let ticketsKept = 0;
  for (const t of tickets) {
    ticketsKept += await repo.deidentifyTicket(ex, orgId, t.id, { requesterName: MARK, subject: scrub(t.subject), closeNote: t.close_note === null ? null : scrub(t.close_note) });
  }
  let messagesKept = 0;
  for (const m of messages) {
    const customer = m.author_kind === 'customer';
    messagesKept += await repo.deidentifyMessage(ex, orgId, m.id, { authorId: customer ? null : m.author_id, authorName: customer ? MARK : m.author_name, body: scrub(m.body) });
  }
  return {
    support_tickets: keptErasure(ticketsKept, 'support_inquiry', 'deidentified'),
    support_messages: keptErasure(messagesKept, 'support_inquiry', 'deidentified'),
    support_attachments: { ...emptyErasure(), deleted: await repo.deleteOrgAttachments(ex, orgId) },
    support_verifications: keptErasure(await repo.countOrgVerifications(ex, orgId), 'support_inquiry', 'unchanged'),
    support_specialists: { ...emptyErasure(), deleted: await repo.deleteOrgSpecialist(ex, orgId) },
  };
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
export function createSupportPersonalData(db: Kysely<Database>, clock: Clock): PersonalDataHandler {
  return {
    module: 'support',
    tables: ['support_tickets', 'support_messages', 'support_attachments', 'support_verifications', 'support_specialists'],
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
    async eraseOrganization(orgId, ex = db, opts = {}) {
      return { outcome: await eraseOrganization(ex, orgId, opts.names ?? [], clock.now().toISOString()), more: false };
    },
  };
}
