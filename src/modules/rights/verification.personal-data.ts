import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../db/schema.ts';
import { emptyErasure, exportRows, type PersonalDataHandler, type WithheldColumn } from './registry.ts';
import * as requests from './requests.repository.ts';
import * as repo from './verification.repository.ts';

const WITHHELD: WithheldColumn[] = [{ table: 'privacy_request_agents', column: 'token_hash', why: "a hash of the agent's link token: a credential" }];
/** DSR-3: on a request about someone else, the authorization is that person's signed document, in their own export. */
const AS_AGENT: WithheldColumn = {
  table: 'privacy_request_agents',
  column: 'content',
  why: 'only on requests the person made as an agent for someone else: the authorization that person signed is theirs (it is in their own export)',
};

/**
 * DSR-2, DSR-3: verification records and agents' authorizations are personal data of the subject
 * of the request, and an agent's row of the agent too. An access export shows the subject's
 * verification steps and the agents of their requests (the signed authorization included, as
 * base64), and the requests a person made as an agent, without the other person's signed
 * authorization. Erasure clears the declaration's signed name, the residence attested and staff
 * notes (the steps and counts stay, as the request's history does), and removes the agents of the
 * subject's requests with their authorizations; the request the erasure fulfils
 * (`reason.reference`) keeps its own until the deletion's sweep, since its answer is still owed to
 * that request. On a request about someone else, the agent's name and address are cleared and the
 * row stays: that request is the other person's, and still needs its agent's authorization.
 */
export function createVerificationPersonalData(db: Kysely<Database>, clock: Clock): PersonalDataHandler {
  return {
    module: 'request_verification',
    tables: ['privacy_request_verifications', 'privacy_request_agents'],
    withheld: [...WITHHELD, AS_AGENT],
    async export(subject, ex = db) {
      const ids = (await requests.requestsOf(ex, subject)).map((r) => r.id);
      const agents = await repo.agentsOf(ex, ids, subject.email);
      const own = agents.filter((a) => ids.includes(a.request_id));
      const asAgent = agents.filter((a) => !ids.includes(a.request_id));
      return {
        privacy_request_verifications: exportRows('privacy_request_verifications', await repo.verificationsOf(ex, ids), WITHHELD),
        privacy_request_agents: [...exportRows('privacy_request_agents', own, WITHHELD), ...exportRows('privacy_request_agents', asAgent, [...WITHHELD, AS_AGENT])],
      };
    },
    async erase(subject, reason, ex = db) {
      const out = { privacy_request_verifications: emptyErasure(), privacy_request_agents: emptyErasure() };
      const at = clock.now().toISOString();
      const all = (await requests.requestsOf(ex, subject)).map((r) => r.id);
      const ids = all.filter((id) => id !== reason.reference);
      for (const v of await repo.verificationsOf(ex, ids)) out.privacy_request_verifications.deidentified += await repo.deidentifyVerification(ex, v.request_id, at);
      for (const a of await repo.agentsOf(ex, ids, subject.email)) {
        if (a.request_id === reason.reference) continue;
        if (all.includes(a.request_id)) out.privacy_request_agents.deleted += await repo.deleteAgent(ex, a.request_id);
        else out.privacy_request_agents.deidentified += await repo.deidentifyAgent(ex, a.request_id, at);
      }
      return out;
    },
  };
}
