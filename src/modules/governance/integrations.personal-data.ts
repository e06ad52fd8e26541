import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { emptyErasure, exportRows, type PersonalDataHandler, type WithheldColumn } from '../rights/index.ts';
import { deleteDeliveries, deleteOrgIntegrations, deliveriesNaming, forgetActor, integrationsActedOnBy } from './integrations.repository.ts';

const WITHHELD: WithheldColumn[] = [];

/**
 * The integrations' handler (DSR-1, DSR-5, DSR-6). An admin's access answer lists the integrations
 * they installed or uninstalled; their erasure forgets them as the admin who did (the integration,
 * its disclosure in the ledger and its deliveries are the organization's). A webhook delivery's
 * payload names the member the event is about (their membership id): those deliveries are in the
 * member's access answer, and their erasure deletes them (a pending one is then never sent). The
 * endpoints hold a sealed secret and no one's data. An organization's erasure removes all three tables.
 */
export function createIntegrationsPersonalData(db: Kysely<Database>): PersonalDataHandler {
  return {
    module: 'integrations',
    tables: ['integrations', 'webhook_endpoints', 'webhook_deliveries'],
    withheld: WITHHELD,
    async export(subject, ex = db) {
      return {
        integrations: exportRows('integrations', await integrationsActedOnBy(ex, subject.membershipIds), WITHHELD),
        webhook_endpoints: [],
        webhook_deliveries: exportRows('webhook_deliveries', await deliveriesNaming(ex, subject.membershipIds), WITHHELD),
      };
    },
    async erase(subject, _reason, ex = db) {
      const named = await deliveriesNaming(ex, subject.membershipIds);
      return {
        integrations: { ...emptyErasure(), deidentified: await forgetActor(ex, subject.membershipIds) },
        webhook_endpoints: emptyErasure(),
        webhook_deliveries: { ...emptyErasure(), deleted: await deleteDeliveries(ex, named.map((d) => d.id)) },
      };
    },
    async eraseOrganization(orgId, ex = db) {
      const n = await deleteOrgIntegrations(ex, orgId);
      return {
        outcome: {
          integrations: { ...emptyErasure(), deleted: n.integrations },
          webhook_endpoints: { ...emptyErasure(), deleted: n.webhook_endpoints },
          webhook_deliveries: { ...emptyErasure(), deleted: n.webhook_deliveries },
        },
        more: false,
      };
    },
  };
}
