import { accountIdOf, type Caller } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { type ArchiveEntry, toCsv, zip } from './archive.ts';
import { ARCHIVE_LINK_MS } from './fulfilment.deps.ts';
import * as store from './fulfilment.repository.ts';
import { checkLink, complete, type FulfilmentContext, linkTo, mintLink, type OrganizationPointer, pointersOf, pointerText, SYSTEM } from './fulfilment.steps.ts';
import * as repo from './requests.repository.ts';
import type { Actor } from './requests.steps.ts';
import { RightsErrors } from './rights.errors.ts';
import type { PersonalDataExport } from './registry.ts';
import type { PrivacyRequestsTable } from './rights.tables.ts';

/** The re-authentication a holder's download link asks for (DSR-2). */
export interface StepUpProof {
  password?: string | undefined;
  code?: string | undefined;
}

export interface Archive {
  filename: string;
  content: Buffer;
}

const README = (site: string, requestId: string, at: string, pointers: OrganizationPointer[]) =>
  [
    `${site}: a copy of your personal data`,
    '',
    `Request ${requestId}, built ${at}, when you downloaded it (we keep no copy).`,
    '',
    'data.json   everything we hold about you: module -> table -> rows, and what was left out and why ("withheld").',
    'csv/        the same rows, one CSV file per table (RFC 4180, UTF-8). Cells that begin with = + - or @',
    "            start with a ' so that a spreadsheet does not run them as formulas.",
    '',
    'Left out: secrets (password hashes, second-factor secrets, link tokens, encrypted bodies). They are',
    'listed in data.json under "withheld", with the reason.',
    ...(pointers.length > 0 ? ['', pointerText(pointers)] : []),
    '',
  ].join('\r\n');

/** DSR-1: the archive's files: a README, data.json, and a CSV per table (every table, empty ones too). */
export function archiveEntries(site: string, requestId: string, at: string, data: PersonalDataExport, pointers: OrganizationPointer[]): ArchiveEntry[] {
  const json = { format: 'castellan-personal-data-export', version: 1, site, requestId, generatedAt: at, modules: data.modules, withheld: data.withheld, organizations: pointers };
  const csv = Object.entries(data.modules).flatMap(([module, tables]) => Object.entries(tables).map(([table, rows]) => ({ name: `csv/${module}/${table}.csv`, content: toCsv(rows) })));
  return [{ name: 'README.txt', content: README(site, requestId, at, pointers) }, { name: 'data.json', content: `${JSON.stringify(json, null, 2)}\n` }, ...csv];
}

/** DSR-1 (access): the portable archive, offered by a short-lived single-use link, built only when downloaded. */
export function createAccessFulfilment(f: FulfilmentContext) {
  const { deps, steps } = f;
  const { db, clock, config } = deps;

  /** Mails the requester a fresh link (older unused ones stop working); the request stays open until it is used. */
  async function offer(ctx: RequestContext, row: PrivacyRequestsTable, actor: Actor): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const { token, expiresAt } = await mintLink(f, trx, row.id, 'archive', ARCHIVE_LINK_MS);
      await store.saveFulfilment(trx, row.id, { status: 'archive_offered' }, clock.now().toISOString());
      await steps.step(trx, ctx, row, 'archive_offered', actor, `A download link was sent; it works once, until ${expiresAt}.`);
      await steps.tell(
        trx,
        row,
        `Your personal data is ready to download [${row.id}]`,
        `Your copy of the personal data we hold about you is ready.\n\nDownload it here (the link works once, until ${expiresAt}; keep it to yourself):\n${linkTo(f, row.id, 'archive', token)}\n\nThe file is a ZIP archive with your data as JSON and as one CSV file per table. We build it when you download it and keep no copy.`,
      );
    });
  }

  /**
   * DSR-1: a fresh link for the signed-in requester themself, right after they re-authenticated
   * (DSR-2): answered to them instead of mailed. Their own open, verified access request only, and
   * only to the person: the call re-authenticates again (the password, or `POST /me/reauth` within
   * the step-up window), whatever way the request was verified; a session alone never gets a link.
   */
  async function linkForHolder(ctx: RequestContext, caller: Caller, requestId: string, proof: StepUpProof): Promise<{ url: string; expiresAt: string }> {
    const accountId = accountIdOf(caller);
    const row = await repo.findRequest(db, requestId);
    if (!row || !accountId || row.account_id !== accountId || row.kind !== 'access') throw new AppError(CommonErrors.notFound);
    if (row.state === 'completed') throw new AppError(RightsErrors.requestClosed);
    await deps.verification.reauthenticate(ctx, caller, { password: proof.password, code: proof.code });
    if (row.verification !== 'verified' || !row.verified_at || clock.now().getTime() - new Date(row.verified_at).getTime() > ARCHIVE_LINK_MS) {
      throw new AppError(RightsErrors.notVerified, 'Confirm your password first: a download link is given only right after that.');
    }
    return db.transaction().execute(async (trx) => {
      const { token, expiresAt } = await mintLink(f, trx, row.id, 'archive', ARCHIVE_LINK_MS);
      await store.saveFulfilment(trx, row.id, { status: 'archive_offered' }, clock.now().toISOString());
      await steps.step(trx, ctx, row, 'archive_offered', { type: 'requester', id: null }, `A download link was given to the signed-in requester; it works once, until ${expiresAt}.`);
      return { url: linkTo(f, row.id, 'archive', token), expiresAt };
    });
  }

  /** DSR-1: the download. Built now from the registry; the link is spent and the request answered. */
  async function download(ctx: RequestContext, requestId: string, token: string): Promise<Archive> {
    const link = await checkLink(f, db, requestId, 'archive', token);
    const row = await repo.findRequest(db, requestId);
    if (!row || row.kind !== 'access' || row.verification !== 'verified') throw new AppError(CommonErrors.notFound);
    // Staff answered it meanwhile (a denial, say): its links stop working.
    if (row.state === 'completed') throw new AppError(RightsErrors.requestClosed);
    const subject = await f.ports.subjectOf({ accountId: row.account_id, email: row.email_normalized });
    const data = await f.ports.exportAll(subject);
    const pointers = pointersOf(await f.ports.organizationsOf(subject));
    const at = clock.now().toISOString();
    const content = zip(archiveEntries(config.siteName, row.id, at, data, pointers), clock.now());
    await db.transaction().execute(async (trx) => {
      if (!(await store.useLink(trx, link.id, at))) throw new AppError(RightsErrors.linkUsed);
      await steps.step(trx, ctx, row, 'archive_downloaded', { type: 'requester', id: null }, null, { bytes: content.length });
      const current = await repo.findRequest(trx, row.id);
      if (current && current.state !== 'completed') await complete(f, trx, ctx, current, 'complied', null, SYSTEM);
    });
    return { filename: `personal-data-${row.id}.zip`, content };
  }

  return { offer, linkForHolder, download };
}
