import { DateTime } from 'luxon';
import type { RequestContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { DATA_CATEGORIES } from '../privacy/index.ts';
import * as repo from './requests.repository.ts';
import type { Steps } from './requests.steps.ts';
import type { Channel } from './requests.views.ts';
import type { DirectMarketingAnswer, RightsDeps } from './rights.deps.ts';
import { RightsErrors } from './rights.errors.ts';
import type { PrivacyRequestsTable, ShineTheLightRequestsTable } from './rights.tables.ts';

/**
 * DSR-7: "Your California Privacy Rights" (Cal. Civ. Code § 1798.83, "Shine the Light"). A request
 * must carry the statement, the site name, and the requester's name, street address, city, state
 * and zip; it is answered within 30 days with the preceding calendar year's third parties that
 * received the requester's data for their own direct marketing, from the disclosure ledger (PRV-9).
 * Castellan answers a complete request at once, by mail to the address it came from. Requests by
 * telephone, mail or fax are not accepted: staff record them, and the requester is sent
 * instructions instead.
 */

export const STATEMENT = 'Your California Privacy Rights';
export const ANSWER_DAYS = 30;
/** DSR-7: the channels the law lets the operator refuse, answered with instructions. */
export const REFUSED_CHANNELS: readonly Channel[] = ['phone', 'mail', 'fax'];
/** The fields a request must carry, in the order the form asks for them. */
export const SHINE_THE_LIGHT_FIELDS = ['statement', 'siteName', 'name', 'street', 'city', 'state', 'zip'] as const;
export type ShineTheLightField = (typeof SHINE_THE_LIGHT_FIELDS)[number];
export type ShineTheLightInput = Partial<Record<ShineTheLightField, string | undefined>>;

const ZIP = /^\d{5}(?:-\d{4})?$/;
const CALIFORNIA = new Set(['ca', 'california', 'calif.', 'calif']);
const squash = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

/**
 * Checks that a request carries everything the law asks for, and answers it cleaned. Anything
 * missing or wrong is named in one answer (`details.missing`, `details.invalid`), and nothing is
 * recorded; an address outside California is told the right is California's.
 */
export function checkShineTheLight(input: ShineTheLightInput, siteName: string): Record<ShineTheLightField, string> {
  const v = Object.fromEntries(SHINE_THE_LIGHT_FIELDS.map((f) => [f, squash(input[f])])) as Record<ShineTheLightField, string>;
  const missing = SHINE_THE_LIGHT_FIELDS.filter((f) => v[f] === '');
  const invalid: ShineTheLightField[] = [];
  if (v.statement !== '' && !v.statement.toLowerCase().includes(STATEMENT.toLowerCase())) invalid.push('statement');
  if (v.siteName !== '' && v.siteName.toLowerCase() !== siteName.trim().toLowerCase()) invalid.push('siteName');
  if (v.zip !== '' && !ZIP.test(v.zip)) invalid.push('zip');
  if (missing.length > 0 || invalid.length > 0) {
    const parts = [
      ...(missing.length > 0 ? [`missing: ${missing.join(', ')}`] : []),
      ...(invalid.length > 0 ? [`not as required: ${invalid.join(', ')}`] : []),
    ];
    throw new AppError(RightsErrors.shineTheLightIncomplete, `A "${STATEMENT}" request must carry the statement "${STATEMENT}", the site name (${siteName}), and your name, street address, city, state and zip code (${parts.join('; ')}).`, {
      details: { missing, invalid },
    });
  }
  if (!CALIFORNIA.has(v.state.toLowerCase())) throw new AppError(RightsErrors.shineTheLightCaliforniaOnly, undefined, { details: { field: 'state' } });
  return { ...v, state: 'CA' };
}

/** The end of the 30th calendar day after receipt, in the calendar's zone. */
export function shineTheLightDue(receivedAt: Date, zone: string): Date {
  return DateTime.fromJSDate(receivedAt, { zone }).startOf('day').plus({ days: ANSWER_DAYS }).endOf('day').toJSDate();
}

/** The calendar year before the one the request was received in, in the calendar's zone. */
export const precedingYear = (receivedAt: Date, zone: string): number => DateTime.fromJSDate(receivedAt, { zone }).year - 1;

function answerText(answer: DirectMarketingAnswer, siteName: string): string {
  if (answer.recipients.length === 0) {
    return `In ${answer.year}, ${siteName} did not disclose your personal information to any third party for that third party's own direct marketing purposes.`;
  }
  const label = (c: string) => DATA_CATEGORIES[c as keyof typeof DATA_CATEGORIES] ?? c;
  const lines = [
    `In ${answer.year}, ${siteName} disclosed your personal information to the following third parties for their own direct marketing purposes:`,
    '',
    ...answer.recipients.flatMap((r) => [`${r.name}`, `  ${r.address}`, `  Categories: ${r.categories.map(label).join('; ')}`, '']),
    `Categories of personal information disclosed: ${answer.categories.map(label).join('; ')}.`,
  ];
  return lines.join('\n');
}

/** DSR-7: receiving a Shine the Light request inside the intake's transaction. */
export function createShineTheLight(deps: RightsDeps, steps: Steps) {
  const { clock, config, calendar, ledger } = deps;

  const instructions = () =>
    [
      `We do not take "${STATEMENT}" requests by telephone, mail or fax.`,
      '',
      `To make one, use the form at ${config.publicUrl}/privacy/shine-the-light${config.privacyAddress ? `, or write to ${config.privacyAddress}` : ''}, giving:`,
      `- the statement "${STATEMENT}" and the site name, ${config.siteName};`,
      '- your name, street address, city, state and zip code.',
      '',
      `We answer within ${ANSWER_DAYS} days with the third parties that received your personal information for their own direct marketing in the preceding calendar year.`,
    ].join('\n');

  /**
   * Reads the ledger for the preceding year before the intake's transaction (the ledger of a past
   * year no longer changes), so that the answer is ready to be recorded with the request.
   */
  async function prepare(accountId: string | null, email: string, receivedAt: Date): Promise<DirectMarketingAnswer> {
    return ledger.directMarketingRecipients({ userId: accountId, email }, precedingYear(receivedAt, calendar.zone));
  }

  /** Whether the same person made another Shine the Light request earlier in the same calendar year. */
  async function secondInYear(ex: Executor, r: PrivacyRequestsTable): Promise<boolean> {
    const start = DateTime.fromISO(r.received_at, { zone: calendar.zone }).startOf('year').toUTC().toISO() as string;
    return repo.hasShineTheLightSince(ex, { email: r.email_normalized, accountId: r.account_id, since: start, before: r.id });
  }

  /**
   * Records the request's fields and answers it: a complete request gets the list by mail and is
   * complied with; one by telephone, mail or fax gets the instructions and is denied, the log
   * saying why. Answers the patch for the request's row.
   */
  async function receive(ex: Executor, ctx: RequestContext, r: PrivacyRequestsTable, fields: Record<ShineTheLightField, string> | null, answer: DirectMarketingAnswer | null): Promise<Partial<PrivacyRequestsTable>> {
    const at = clock.now().toISOString();
    const second = await secondInYear(ex, r);
    const row: ShineTheLightRequestsTable = {
      request_id: r.id,
      site_name: fields?.siteName ?? null,
      statement: fields?.statement ?? null,
      name: fields?.name ?? null,
      street: fields?.street ?? null,
      city: fields?.city ?? null,
      state: fields?.state ?? null,
      zip: fields?.zip ?? null,
      second_in_year: second ? 1 : 0,
      answered_year: answer?.year ?? null,
      answer: answer ? JSON.stringify(answer) : null,
    };
    await repo.insertShineTheLight(ex, row);
    if (second) await steps.step(ex, ctx, r, 'flagged', { type: 'system', id: null }, 'A second Shine the Light request from this person in the same calendar year.');
    if (!fields || !answer) {
      const reason = `Not accepted by ${r.channel}: Shine the Light requests come by the web form or by email; instructions were sent.`;
      await steps.tell(ex, r, `How to ask about Your California Privacy Rights [${r.id}]`, instructions());
      await repo.updateLog(ex, r.id, { responded_at: at, outcome: 'denied', denial_reason: reason });
      await steps.step(ex, ctx, r, 'instructions_sent', { type: 'system', id: null }, reason);
      return { state: 'completed', outcome: 'denied', outcome_reason: reason, responded_at: at };
    }
    await steps.tell(ex, r, `Your California Privacy Rights: our answer [${r.id}]`, answerText(answer, config.siteName));
    await repo.updateLog(ex, r.id, { responded_at: at, outcome: 'complied' });
    await steps.step(ex, ctx, r, 'answered', { type: 'system', id: null }, `Third parties for ${answer.year}: ${answer.recipients.length}.`, { year: answer.year, recipients: answer.recipients.length });
    return { state: 'completed', outcome: 'complied', responded_at: at };
  }

  return { prepare, receive, refuses: (channel: Channel) => REFUSED_CHANNELS.includes(channel) };
}

export type ShineTheLight = ReturnType<typeof createShineTheLight>;
