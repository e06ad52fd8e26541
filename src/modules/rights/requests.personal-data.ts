import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../db/schema.ts';
import { emptyErasure, exportRows, type PersonalDataHandler, type WithheldColumn } from './registry.ts';
import * as repo from './requests.repository.ts';

const WITHHELD: WithheldColumn[] = [{ table: 'privacy_requests', column: 'token_hash', why: "a hash of the requester's link token: a credential" }];
const MARK = '[erased]';

/**
 * The request module's own handler (DSR-1, DSR-5). An access export shows the subject's requests
 * and their history. Erasure de-identifies the subject's requests (address, account and free text
 * cleared) but leaves the request the erasure fulfils (`reason.reference`) as it is, since its
 * answer still goes to that address. The request log (`privacy_request_log`) holds no personal
 * data: it keeps, for at least 24 months, the record of every request, this deletion included.
 */
export function createRequestsPersonalData(db: Kysely<Database>, clock: Clock): PersonalDataHandler {
  return {
    module: 'rights',
    tables: ['privacy_requests', 'privacy_request_events', 'privacy_request_log', 'shine_the_light_requests'],
    withheld: WITHHELD,
    async export(subject, ex = db) {
      const requests = await repo.requestsOf(ex, subject);
      const events = await repo.eventsOf(ex, requests.map((r) => r.id));
      return {
        privacy_requests: exportRows('privacy_requests', requests, WITHHELD),
        privacy_request_events: exportRows('privacy_request_events', events, WITHHELD),
        privacy_request_log: [],
        shine_the_light_requests: exportRows('shine_the_light_requests', await repo.shineTheLightOf(ex, requests.map((r) => r.id)), WITHHELD),
      };
    },
    async erase(subject, reason, ex = db) {
      const out = { privacy_requests: emptyErasure(), privacy_request_events: emptyErasure(), privacy_request_log: emptyErasure(), shine_the_light_requests: emptyErasure() };
      const at = clock.now().toISOString();
      for (const r of await repo.requestsOf(ex, subject)) {
        if (r.id === reason.reference) continue;
        out.privacy_requests.deidentified += await repo.deidentifyRequest(ex, r.id, MARK, at);
        out.shine_the_light_requests.deidentified += await repo.deidentifyShineTheLight(ex, r.id, MARK);
      }
      return out;
    },
  };
}
