import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { emptyErasure, exportRows, type PersonalDataHandler, type WithheldColumn } from '../rights/index.ts';
import { deleteOrgIntegrations, forgetActor, integrationsActedOnBy } from './integrations.repository.ts';

const WITHHELD: WithheldColumn[] = [];

/**
 * The integrations' handler (DSR-1, DSR-5, DSR-6). An admin's access answer lists the integrations
 * they installed or uninstalled; their erasure forgets them as the admin who did (the integration,
 * its disclosure in the ledger and its deliveries are the organization's). Webhook deliveries hold
 * ids only, and the endpoints a sealed secret. An organization's erasure removes all three tables.
 */
export function createIntegrationsPersonalData(db: Kysely<Database>): PersonalDataHandler {
  return {
    module: 'integrations',
    tables: ['integrations', 'webhook_endpoints', 'webhook_deliveries'],
    withheld: WITHHELD,
    async export(subject, ex = db) {
      return { integrations: exportRows('integrations', await integrationsActedOnBy(ex, subject.membershipIds), WITHHELD), webhook_endpoints: [], webhook_deliveries: [] };
    },
    async erase(subject, _reason, ex = db) {
      return { integrations: { ...emptyErasure(), deidentified: await forgetActor(ex, subject.membershipIds) }, webhook_endpoints: emptyErasure(), webhook_deliveries: emptyErasure() };
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
