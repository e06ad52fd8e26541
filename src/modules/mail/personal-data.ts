import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { emptyErasure, exportRows, type PersonalDataHandler, type WithheldColumn } from '../rights/index.ts';
import { deleteAccountlessMessagesTo, deleteMessagesFor, messagesFor } from './outbox.repository.ts';

const WITHHELD: WithheldColumn[] = [{ table: 'mail_outbox', column: 'body_enc', why: 'encrypted at rest (SEC-2); a queued body can hold single-use links' }];

/**
 * The mail module's handler (DSR-1, DSR-5): the messages for the account or to its address.
 * Erasure removes them all, queued ones included: their `mail.send` jobs then find nothing and end.
 *
 * DSR-6: of an organization, the mail holds what was sent to its invitees who have no account
 * (invitations, notices): those messages go. Its members' accounts are their own, and so is their mail.
 */
export function createMailPersonalData(db: Kysely<Database>): PersonalDataHandler {
  return {
    module: 'mail',
    tables: ['mail_outbox'],
    withheld: WITHHELD,
    async export(subject, ex = db) {
      return { mail_outbox: exportRows('mail_outbox', await messagesFor(ex, subject.accountId, subject.email), WITHHELD) };
    },
    async erase(subject, _reason, ex = db) {
      return { mail_outbox: { ...emptyErasure(), deleted: await deleteMessagesFor(ex, subject.accountId, subject.email) } };
    },
    async eraseOrganization(_orgId, ex = db, opts = {}) {
      return { outcome: { mail_outbox: { ...emptyErasure(), deleted: await deleteAccountlessMessagesTo(ex, opts.invitees ?? []) } }, more: false };
    },
  };
}
