import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { emptyErasure, erasedMark, exportRows, keptErasure, type PersonalDataHandler, type WithheldColumn } from '../rights/index.ts';
import { cardsAddedBy, deidentifyCardsAddedBy } from './cards.repository.ts';
import { deleteCardsOfOrg } from './personal-data.repository.ts';

const WITHHELD: WithheldColumn[] = [{ table: 'cards', column: 'token', why: "the payment provider's token charges the card: a credential (PRV-10)" }];

/**
 * The billing module's handler (DSR-1, DSR-5): the card an account put on its organization's file.
 * The card is the organization's payment record, so erasure keeps it under `sales_transaction` with
 * only what a sales record needs (brand, last 4 digits, expiry, when): the holder's name is replaced
 * by a mark naming the exception and the link to the account is cleared.
 *
 * DSR-6: an organization's deletion removes its card on file: a card is a means of payment, not a
 * sales transaction, and its token could still charge it once the service has stopped. Plans are
 * the organization's own row (the directory's).
 */
export function createBillingPersonalData(db: Kysely<Database>): PersonalDataHandler {
  return {
    module: 'billing',
    tables: ['cards'],
    withheld: WITHHELD,
    async export(subject, ex = db) {
      return { cards: subject.accountId ? exportRows('cards', await cardsAddedBy(ex, subject.accountId), WITHHELD) : [] };
    },
    async erase(subject, _reason, ex = db) {
      if (!subject.accountId) return { cards: emptyErasure() };
      const kept = await deidentifyCardsAddedBy(ex, subject.accountId, erasedMark('sales_transaction'));
      return { cards: keptErasure(kept, 'sales_transaction', 'deidentified') };
    },
    async eraseOrganization(orgId, ex = db) {
      return { outcome: { cards: { ...emptyErasure(), deleted: await deleteCardsOfOrg(ex, orgId) } }, more: false };
    },
  };
}
