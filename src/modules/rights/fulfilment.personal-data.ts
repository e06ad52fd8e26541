import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../db/schema.ts';
import * as store from './fulfilment.repository.ts';
import { emptyErasure, exportRows, type PersonalDataHandler, type WithheldColumn } from './registry.ts';
import * as repo from './requests.repository.ts';

const WITHHELD: WithheldColumn[] = [{ table: 'privacy_request_links', column: 'token_hash', why: 'a hash of a download link token: a credential' }];

/**
 * DSR-1, DSR-5: what fulfilment keeps about the subject's requests: a correction asked for (the
 * value is personal data), the answers and certificates (which name no one), the download links
 * (hashes). Registered before the requests' own handler, which de-identifies the requests this one
 * finds them by. Erasure clears the values asked for, and removes the unused archive links; the
 * certificate of the request being fulfilled and its link stay.
 */
export function createFulfilmentPersonalData(db: Kysely<Database>, clock: Clock): PersonalDataHandler {
  const tables = ['privacy_request_fulfilments', 'privacy_request_links'];
  return {
    module: 'rights_fulfilment',
    tables,
    withheld: WITHHELD,
    async export(subject, ex = db) {
      const ids = (await repo.requestsOf(ex, subject)).map((r) => r.id);
      const rows = await store.fulfilmentsOf(ex, ids);
      const links = await store.linksOf(ex, ids);
      return { privacy_request_fulfilments: exportRows('privacy_request_fulfilments', rows, WITHHELD), privacy_request_links: exportRows('privacy_request_links', links, WITHHELD) };
    },
    async erase(subject, _reason, ex = db) {
      const ids = (await repo.requestsOf(ex, subject)).map((r) => r.id);
      const at = clock.now().toISOString();
      return {
        privacy_request_fulfilments: { ...emptyErasure(), deidentified: await store.clearCorrections(ex, ids, at) },
        privacy_request_links: { ...emptyErasure(), deleted: await store.deleteLinks(ex, ids, 'archive') },
      };
    },
  };
}
