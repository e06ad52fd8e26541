import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../db/schema.ts';
import { emptyErasure, exportRows, type PersonalDataHandler, type WithheldColumn } from './registry.ts';
import * as requests from './requests.repository.ts';
import * as repo from './verification.repository.ts';

const WITHHELD: WithheldColumn[] = [{ table: 'privacy_request_agents', column: 'token_hash', why: "a hash of the agent's link token: a credential" }];

/**
 * DSR-2, DSR-3: verification records and agents' authorizations are personal data of the subject
 * of the request, and an agent's row of the agent too. An access export shows the subject's
 * verification steps and the agents of their requests (the signed authorization included, as
 * base64), and the requests a person made as an agent. Erasure clears the declaration's signed
 * name, the residence attested and staff notes (the steps and counts stay, as the request's history
 * does), and removes agents and their authorizations; the request the erasure fulfils
 * (`reason.reference`) keeps its own, since its answer is still owed to that request.
 */
export function createVerificationPersonalData(db: Kysely<Database>, clock: Clock): PersonalDataHandler {
  return {
    module: 'request_verification',
    tables: ['privacy_request_verifications', 'privacy_request_agents'],
    withheld: WITHHELD,
    async export(subject, ex = db) {
      const ids = (await requests.requestsOf(ex, subject)).map((r) => r.id);
      return {
        privacy_request_verifications: exportRows('privacy_request_verifications', await repo.verificationsOf(ex, ids), WITHHELD),
        privacy_request_agents: exportRows('privacy_request_agents', await repo.agentsOf(ex, ids, subject.email), WITHHELD),
      };
    },
    async erase(subject, reason, ex = db) {
      const out = { privacy_request_verifications: emptyErasure(), privacy_request_agents: emptyErasure() };
      const at = clock.now().toISOString();
      const ids = (await requests.requestsOf(ex, subject)).map((r) => r.id).filter((id) => id !== reason.reference);
      for (const v of await repo.verificationsOf(ex, ids)) out.privacy_request_verifications.deidentified += await repo.deidentifyVerification(ex, v.request_id, at);
      for (const a of await repo.agentsOf(ex, ids, subject.email)) {
        if (a.request_id !== reason.reference) out.privacy_request_agents.deleted += await repo.deleteAgent(ex, a.request_id);
      }
      return out;
    },
  };
}
