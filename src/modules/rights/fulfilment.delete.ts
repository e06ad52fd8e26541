import { type RequestContext, systemContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { type Job, type JobHandler, PermanentJobError } from '../jobs/index.ts';
import { buildCertificate, certificateText, type DeletionCertificate } from './certificate.ts';
import type { ErasureOutcome } from './registry.ts';
import { type AdministeringOrganization, CERTIFICATE_LINK_MS, type LedgerRecipient, SWEEP_DELAY_MS } from './fulfilment.deps.ts';
import * as store from './fulfilment.repository.ts';
import { complete, type FulfilmentContext, linkTo, mintLink, pointersOf, pointerText, SYSTEM } from './fulfilment.steps.ts';
import * as repo from './requests.repository.ts';
import type { Actor } from './requests.steps.ts';
import { RightsErrors } from './rights.errors.ts';
import type { PrivacyRequestsTable } from './rights.tables.ts';
import * as verification from './verification.repository.ts';

/** DSR-5: the job that clears what answering a deletion left of the address, once the answer was delivered. */
export const SWEEP_JOB = 'rights.deletion_sweep';
interface SweepPayload {
  requestId: string;
}

const MARK = '[erased]';

/** What an erasure did and read, kept with the request until it is answered (a retry answers from it). */
interface ErasedRecord {
  erasedAt: string;
  outcome: Record<string, ErasureOutcome>;
  recipients: LedgerRecipient[];
  orgs: Array<{ orgId: string; name: string }>;
}

function erasedRecordOf(answer: string | null): ErasedRecord | null {
  if (!answer) return null;
  const parsed = JSON.parse(answer) as { erased?: ErasedRecord };
  return parsed.erased ?? null;
}

/** Two erasures' counts, table by table (the exception named by either). */
function addOutcomes(a: Record<string, ErasureOutcome>, b: Record<string, ErasureOutcome>): Record<string, ErasureOutcome> {
  const out: Record<string, ErasureOutcome> = structuredClone(a);
  for (const [module, tables] of Object.entries(b)) {
    const into = (out[module] ??= {});
    for (const [table, e] of Object.entries(tables)) {
      const was = into[table];
      into[table] = was
        ? { deleted: was.deleted + e.deleted, deidentified: was.deidentified + e.deidentified, kept: Math.max(was.kept, e.kept), exception: was.exception ?? e.exception, keptAs: was.keptAs ?? e.keptAs }
        : e;
    }
  }
  return out;
}
/** A contact address inside a ledger entry's address, when the recipient gave one. */
const EMAIL_IN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

/**
 * DSR-5 (delete): erasure through the registry, the deletion passed on to every third party the
 * ledger names, the organizations that administer a membership told, and a certificate.
 */
export function createDeleteFulfilment(f: FulfilmentContext) {
  const { deps, steps, ports } = f;
  const { db, clock, mail, config, jobs } = deps;

  /** Passes the deletion on: by mail where the ledger's address holds one, else staff send it by post (recorded either way). */
  async function passOn(ex: Executor, ctx: RequestContext, row: PrivacyRequestsTable, r: LedgerRecipient, who: string): Promise<'email' | 'post'> {
    const to = EMAIL_IN.exec(r.address)?.[0];
    if (to) {
      await mail.enqueue(ex, {
        to,
        subject: `Deletion request to pass on [${row.id}]`,
        text: `Hello ${r.name},\n\nWe shared personal data with you (${r.categories.join(', ')}; for ${r.purposes.join(', ')}). The person it is about asked us to delete it, and we have.\n\nPlease delete the personal data you received from us about: ${who}\n\nOur reference: ${row.id}\n\n-- \n${config.siteName} privacy\n`,
      });
    }
    const by = to ? 'email' : 'post';
    await steps.step(ex, ctx, row, 'deletion_passed_on', SYSTEM, `${r.name} (${r.kind}): ${to ? 'told by email' : `to be told by post at ${r.address}`}.`, { recipient: r.name, by });
    return by;
  }

  /** Tells each organization's admins that a member's own data was deleted, and what stays theirs to answer for. */
  async function tellOrganization(ex: Executor, ctx: RequestContext, row: PrivacyRequestsTable, o: AdministeringOrganization, who: string): Promise<void> {
    for (const admin of o.admins) {
      await mail.enqueue(ex, {
        to: admin.email,
        subject: `A member's personal data was deleted at their request [${o.name}]`,
        text: `Hello ${admin.name},\n\n${who}, a member of ${o.name}, asked us to delete their personal data, and we have: their account is gone and their membership in ${o.name} is de-identified.\n\nAs our Notice to End Users says, your organization administers its members' accounts: any data about them your organization keeps itself is yours to answer for. Please handle their request for that data.\n\nOur reference: ${row.id}\n\n-- \n${config.siteName} privacy\n`,
      });
    }
    await steps.step(ex, ctx, row, 'organization_notified', SYSTEM, `${o.name}: ${o.admins.length} admin(s) told.`, { orgId: o.orgId, admins: o.admins.length });
  }

  async function erase(ctx: RequestContext, row: PrivacyRequestsTable, actor: Actor): Promise<DeletionCertificate> {
    const started = clock.now().toISOString();
    await store.saveFulfilment(db, row.id, {}, started);
    // A run that died mid-erasure left `erasing`: its claim lapses after the lease, and erasing again is safe.
    const stale = new Date(clock.now().getTime() - store.CLAIM_LEASE_MS).toISOString();
    if (
      !(await store.claimStatus(db, row.id, null, 'erasing', started)) &&
      !(await store.claimStatus(db, row.id, 'failed', 'erasing', started)) &&
      !(await store.claimStatus(db, row.id, 'erasing', 'erasing', started, stale))
    ) {
      throw new AppError(RightsErrors.fulfilmentRunning);
    }
    try {
      return await eraseClaimed(ctx, row, actor);
    } catch (e) {
      await store.saveFulfilment(db, row.id, { status: 'failed' }, clock.now().toISOString());
      throw e;
    }
  }

  /**
   * Erases, or, when an earlier run erased and then failed to answer, erases again (finding what
   * is left) and answers from what that run recorded: its counts, the recipients and the
   * organizations it read before its erasure (names and ids only: no personal data).
   */
  async function eraseOnce(row: PrivacyRequestsTable): Promise<{ erased: ErasedRecord; orgs: AdministeringOrganization[]; who: string }> {
    const subject = await ports.subjectOf({ accountId: row.account_id, email: row.email_normalized });
    const earlier = erasedRecordOf((await store.findFulfilment(db, row.id))?.answer ?? null);
    const who = [...subject.names.slice(0, 1), subject.email ?? row.email_normalized].join(', ');
    // Read before the erasure: the ledger's entries lose their subject, and the memberships their person.
    const recipients = earlier?.recipients ?? (await ports.recipientsOf(subject));
    const orgs = earlier ? await Promise.all(earlier.orgs.map(async (o) => ({ ...o, admins: await ports.adminsOf(o.orgId, row.email_normalized) }))) : await ports.organizationsOf(subject);
    const outcome = addOutcomes(earlier?.outcome ?? {}, await ports.eraseAll(subject, { basis: 'deletion_request', reference: row.id }));
    const erased: ErasedRecord = { erasedAt: earlier?.erasedAt ?? clock.now().toISOString(), outcome, recipients, orgs: orgs.map((o) => ({ orgId: o.orgId, name: o.name })) };
    await store.saveFulfilment(db, row.id, { answer: JSON.stringify({ erased }) }, clock.now().toISOString());
    return { erased, orgs, who };
  }

  async function eraseClaimed(ctx: RequestContext, row: PrivacyRequestsTable, actor: Actor): Promise<DeletionCertificate> {
    const { erased, orgs, who } = await eraseOnce(row);
    const { recipients, outcome } = erased;
    const now = clock.now();
    const at = erased.erasedAt;
    // After the erasure the account is gone: mail goes to the address alone.
    const answered = { ...row, account_id: null };
    return db.transaction().execute(async (trx) => {
      await steps.step(trx, ctx, answered, 'erased', actor, 'Erased in every module; kept records name their exception (see the certificate).');
      const passedOnTo: DeletionCertificate['passedOnTo'] = [];
      for (const r of recipients) passedOnTo.push({ name: r.name, kind: r.kind, notifiedBy: await passOn(trx, ctx, answered, r, who) });
      for (const o of orgs) await tellOrganization(trx, ctx, answered, o, who);
      const certificate = buildCertificate(
        { site: config.siteName, requestId: row.id, regime: row.regime, receivedAt: row.received_at, verifiedAt: row.verified_at, erasedAt: at, passedOnTo, organizationsNotified: orgs.length },
        outcome,
      );
      const pointers = pointersOf(orgs);
      const sweepAt = new Date(now.getTime() + SWEEP_DELAY_MS);
      await store.saveFulfilment(
        trx,
        row.id,
        { status: 'erased', certificate: JSON.stringify(certificate), certificate_digest: certificate.digest, answer: JSON.stringify({ organizations: pointers }), sweep_at: sweepAt.toISOString() },
        at,
      );
      const { token } = await mintLink(f, trx, row.id, 'certificate', CERTIFICATE_LINK_MS);
      const pointer = pointerText(pointers);
      await steps.tell(
        trx,
        answered,
        `Your personal data was deleted [${row.id}]`,
        `We have deleted your personal data in every part of ${config.siteName}, and passed the deletion on to ${passedOnTo.length} third part${passedOnTo.length === 1 ? 'y' : 'ies'} that had received it. A few records are kept for record keeping, without your name where that can be done; the certificate names the exception each is kept under.\n\nYour deletion certificate (SHA-256 ${certificate.digest}):\n${linkTo(f, row.id, 'certificate', token)}\n\n${certificateText(certificate)}${pointer ? `\n${pointer}\n` : ''}`,
      );
      await complete(f, trx, ctx, answered, 'complied', 'Deleted; records kept under a named exception are listed in the deletion certificate.', SYSTEM);
      await jobs.enqueue<SweepPayload>(trx, { kind: SWEEP_JOB, payload: { requestId: row.id }, runAt: sweepAt, dedupeKey: row.id, maxAttempts: 10 });
      return certificate;
    });
  }

  /**
   * DSR-5: a week after the erasure, the answer's mail (and its ledger entry) and the request's own
   * address and account are cleared, with what its verification kept (the declaration's signed
   * name, the residence, staff notes) and its agent's row and authorization (the erasure left them
   * to the request it answered); the request, its history, its log entry and the certificate stay.
   */
  const sweepJob: JobHandler<SweepPayload> = {
    kind: SWEEP_JOB,
    async run(job: Job<SweepPayload>) {
      const id = job.payload?.requestId;
      if (typeof id !== 'string') throw new PermanentJobError('the payload names no request');
      const row = await repo.findRequest(db, id);
      const done = await store.findFulfilment(db, id);
      if (!row || done?.status !== 'erased' || done.sweep_at === null) return;
      await ports.eraseAnswerTraces({ accountId: row.account_id, email: row.email_normalized });
      // The intake's rate limit keys its counter by the address; its day is long over.
      await deps.throttle.clear(`rights.request:address:${row.email_normalized}`);
      await db.transaction().execute(async (trx) => {
        const at = clock.now().toISOString();
        await repo.deidentifyRequest(trx, id, MARK, at);
        await store.saveFulfilment(trx, id, { sweep_at: null, correction_value: null }, at);
        await verification.deidentifyVerification(trx, id, at);
        await verification.deleteAgent(trx, id);
        await steps.step(trx, systemContext(), row, 'swept', SYSTEM, 'The address the answer went to was cleared, with the verification\u2019s declaration and residence and the agent\u2019s authorization.');
      });
    },
  };

  return { erase, sweepJob };
}
