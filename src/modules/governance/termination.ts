import type { Clock } from '../../core/clock.ts';
import type { RequestContext } from '../../core/context.ts';
import type { Executor } from '../../db/schema.ts';
import type { Mail, OutgoingMail } from '../mail/index.ts';
import { addNotice } from './notices.repository.ts';

/** What an admin's change of a member's access (GOV-1) is, as the directory tells it. */
export interface TerminationEvent {
  action: 'suspended' | 'reactivated' | 'removed';
  orgId: string;
  orgName: string;
  accountId: string | null;
  name: string;
}

export interface TerminationDeps {
  clock: Clock;
  mail: Mail;
  /** The account's current name and address (accounts owns them). */
  person(ex: Executor, accountId: string): Promise<{ email: string; name: string } | undefined>;
}

const sign = '\n\n— Castellan\n';

const WORDS = {
  suspended: {
    subject: (org: string) => `Your access to ${org} was suspended`,
    text: (org: string) =>
      `An admin of ${org} suspended your access to its services: you can no longer sign in to its systems, applications and networks, and its console is closed to you.\nYour Castellan account itself stays yours: you can still sign in to it, see your data and make privacy requests.`,
    title: 'Access suspended',
  },
  reactivated: {
    subject: (org: string) => `Your access to ${org} is back`,
    text: (org: string) => `An admin of ${org} reactivated your access to its services: you can use what it gives you access to again.`,
    title: 'Access restored',
  },
  removed: {
    subject: (org: string) => `You were removed from ${org}`,
    text: (org: string) =>
      `An admin of ${org} removed you from the organization: your access to its services has ended.\nYour Castellan account itself stays yours: you can still sign in to it, see your data and make privacy requests.`,
    title: 'Removed from an organization',
  },
} as const;

export function terminationMail(to: string, name: string, event: Pick<TerminationEvent, 'action' | 'orgName'>): OutgoingMail {
  const w = WORDS[event.action];
  return { to, subject: w.subject(event.orgName), text: `Hello ${name},\n\n${w.text(event.orgName)}\nIf you think this is a mistake, ask ${event.orgName}'s admins.${sign}` };
}

/**
 * GOV-1: when an admin suspends, reactivates or removes a member, the person is mailed and gets an
 * in-app notice, in the transaction of the change (the change is audited by the directory). A
 * member without an account (an invitation not yet accepted, an imported member) has no account
 * page and is not mailed either.
 */
export function createTermination(deps: TerminationDeps) {
  async function notify(trx: Executor, _ctx: RequestContext, event: TerminationEvent): Promise<void> {
    if (!event.accountId) return;
    const person = await deps.person(trx, event.accountId);
    if (!person) return;
    await deps.mail.enqueue(trx, terminationMail(person.email, person.name, event));
    const w = WORDS[event.action];
    await addNotice(trx, { accountId: event.accountId, orgId: event.orgId, kind: `governance.member_${event.action}`, title: w.title, body: w.text(event.orgName), at: deps.clock.now() });
  }
  return { notify };
}

export type Termination = ReturnType<typeof createTermination>;
