import type { RequestContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { normalizeEmail } from '../accounts/index.ts';
import type { Regime } from './deadlines.ts';
import type { createRequestIntake } from './requests.service.ts';
import { DETAILS_MAX, type RequestKind } from './requests.views.ts';
import type { RightsDeps } from './rights.deps.ts';
import { RightsErrors } from './rights.errors.ts';
import { STATEMENT, type ShineTheLightInput } from './shine-the-light.ts';

/**
 * DSR-1: mail to the privacy address (CASTELLAN_PRIVACY_ADDRESS), taken by the inbound SMTP
 * listener, becomes a request of channel `email`, acknowledged like any other. The kind and the
 * regime are read from the words of the message; staff correct them from the desk when the
 * reading is wrong, and the message itself is kept as the request's details.
 */

/** What the listener hands over: the parts of a message a request is made from. */
export interface PrivacyMail {
  from: string | null;
  subject: string;
  text: string;
  /** RFC 3834: an auto-reply or other automatic message, never a request. */
  autoSubmitted: boolean;
}

export type PrivacyMailOutcome =
  | { kind: 'recorded'; requestId: string }
  /** A Shine the Light request without what the law asks for: the sender was told what is missing. */
  | { kind: 'incomplete'; missing: string[] }
  | { kind: 'ignored'; reason: 'automatic' }
  | { kind: 'refused'; reason: 'no_sender' | 'too_many' };

/** The first rule that matches decides the kind; a message that matches none is a question. */
const KIND_RULES: ReadonlyArray<[RequestKind, RegExp]> = [
  ['shine_the_light', /your california privacy rights|shine the light|1798\.83/],
  ['opt_out', /\bopt[\s-]?out\b|do not (?:sell|share)|don't (?:sell|share)|stop (?:selling|sharing)/],
  ['delete', /\b(?:delete|deletion|erase|erasure|remove my (?:data|account|information))\b|right to be forgotten|article 17/],
  ['correct', /\b(?:correct|correction|rectify|rectification|inaccurate)\b|article 16/],
  ['access', /\b(?:copy of|access|portability|portable|download|export)\b|article 15|article 20/],
  ['know', /\bright to know\b|what (?:personal )?(?:data|information) (?:do )?you (?:hold|have|keep|collect)|\bcategories\b/],
  ['complaint', /\bcomplain(?:t|ing)?\b/],
];

export function kindOf(text: string): RequestKind {
  const t = text.toLowerCase();
  return KIND_RULES.find(([, re]) => re.test(t))?.[0] ?? 'question';
}

export function regimeOf(text: string): Regime {
  const t = text.toLowerCase();
  if (/\bgdpr\b|general data protection regulation|\barticle (?:1[5-9]|2[0-2])\b|\buk gdpr\b/.test(t)) return 'gdpr';
  if (/\bccpa\b|\bcpra\b|california/.test(t)) return 'ccpa';
  return 'other';
}

/** DSR-7 by email: the fields as `Name: …` lines, the statement and the site name anywhere in the message. */
export function shineTheLightFields(subject: string, text: string, siteName: string): ShineTheLightInput {
  const all = `${subject}\n${text}`;
  const line = (...labels: string[]) => {
    for (const label of labels) {
      const m = new RegExp(`^[ \\t>]*${label}[ \\t]*:[ \\t]*(.+)$`, 'im').exec(text);
      if (m?.[1]?.trim()) return m[1].trim();
    }
    return undefined;
  };
  return {
    statement: all.toLowerCase().includes(STATEMENT.toLowerCase()) ? STATEMENT : undefined,
    siteName: line('site', 'site name', 'website') ?? (all.toLowerCase().includes(siteName.toLowerCase()) ? siteName : undefined),
    name: line('name', 'full name'),
    street: line('street', 'street address', 'address'),
    city: line('city'),
    state: line('state'),
    zip: line('zip', 'zip code', 'postal code'),
  };
}

export function createInboundRequests(deps: RightsDeps, intake: ReturnType<typeof createRequestIntake>) {
  const { throttle, config, mail } = deps;

  /** Turns one message into a request; answers what was done, for the SMTP reply. */
  async function receiveMail(ctx: RequestContext, m: PrivacyMail): Promise<PrivacyMailOutcome> {
    if (m.autoSubmitted) return { kind: 'ignored', reason: 'automatic' };
    if (!m.from) return { kind: 'refused', reason: 'no_sender' };
    const from = m.from;
    const words = `${m.subject}\n${m.text}`;
    const kind = kindOf(words);
    const stl = kind === 'shine_the_light' ? shineTheLightFields(m.subject, m.text, config.siteName) : {};
    const body = [m.subject.trim() && `Subject: ${m.subject.trim()}`, m.text.trim()].filter(Boolean).join('\n\n');
    const details = body.length > DETAILS_MAX ? `${body.slice(0, DETAILS_MAX - 1)}…` : body;
    try {
      // The privacy center's limits, per sending IP and per address (DSR-1).
      await throttle.consume(`rights.request:ip:${ctx.ip ?? 'unknown'}`, intake.limits.perIp, RightsErrors.tooManyRequests);
      await throttle.consume(`rights.request:address:${normalizeEmail(from)}`, intake.limits.perAddress, RightsErrors.tooManyRequests);
      const { row } = await intake.create(
        ctx,
        { kind, regime: kind === 'shine_the_light' ? 'ccpa' : regimeOf(words), email: from, details, ...stl, channel: 'email', accountId: null, enteredBy: null },
        { type: 'requester', id: null },
      );
      return { kind: 'recorded', requestId: row.id };
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      if (e.code === RightsErrors.tooManyRequests.code) return { kind: 'refused', reason: 'too_many' };
      // DSR-7: an incomplete Shine the Light request is answered with what it lacks, and nothing is recorded.
      if (e.code === RightsErrors.shineTheLightIncomplete.code || e.code === RightsErrors.shineTheLightCaliforniaOnly.code) {
        const missing = [...((e.details?.missing as string[] | undefined) ?? []), ...((e.details?.invalid as string[] | undefined) ?? []), ...(e.details?.field ? [String(e.details.field)] : [])];
        await deps.db.transaction().execute((trx) =>
          mail.enqueue(trx, {
            to: from,
            subject: `Your California Privacy Rights: your request is incomplete`,
            text: `${e.message}\n\nWrite again with these lines in your message:\n\n${STATEMENT}\nSite: ${config.siteName}\nName: \nStreet: \nCity: \nState: CA\nZip: \n\n-- \n${config.siteName} privacy\n`,
          }),
        );
        return { kind: 'incomplete', missing };
      }
      // An address the intake cannot answer (not an address at all): nothing to record or to reply to.
      if (e.code === 'common.invalid') return { kind: 'refused', reason: 'no_sender' };
      throw e;
    }
  }

  return { receiveMail };
}
