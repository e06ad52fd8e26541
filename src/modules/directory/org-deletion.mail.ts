import type { OutgoingMail } from '../mail/index.ts';
import { type OrganizationErasure, RETENTION_EXCEPTIONS, type RetentionException } from '../rights/index.ts';
import { quotedName } from './invitation-mail.ts';

/** DSR-6: the mail of an organization's deletion. Names chosen by an organization are quoted, and never in a subject line. */

const when = (iso: string) => `${new Date(iso).toUTCString()} (${iso})`;

/** To every member (active, suspended and invited) when the deletion is scheduled: the date, and what it does and does not touch. */
export function scheduledNotice(to: string, input: { siteName: string; orgName: string; deleteAt: string }): OutgoingMail {
  return {
    to,
    subject: `An organization you belong to on ${input.siteName} is scheduled for deletion`,
    text:
      `Hello,\n\nAn administrator of the organization ${quotedName(input.orgName)} on ${input.siteName} asked for it to be deleted, with all its data.\n\n` +
      `Unless an administrator cancels it first, on ${when(input.deleteAt)}:\n` +
      `- the organization stops working: sign-in to its systems and applications through ${input.siteName} (LDAP and the other protocols) and its console end;\n` +
      `- its directory (members, groups, resources, access) is erased.\n\n` +
      `Your own account, if you have one, is not deleted and nothing else about it changes; you keep any other organization you belong to.\n` +
      `If you rely on this organization's systems, speak to its administrators before that date.\n\n— ${input.siteName}\n`,
  };
}

/** To every member when an admin cancels during the waiting period. */
export function cancelledNotice(to: string, input: { siteName: string; orgName: string }): OutgoingMail {
  return {
    to,
    subject: `The deletion of an organization you belong to on ${input.siteName} was cancelled`,
    text: `Hello,\n\nAn administrator of the organization ${quotedName(input.orgName)} on ${input.siteName} cancelled its deletion. Nothing changes: the organization and its data stay.\n\n— ${input.siteName}\n`,
  };
}

/** The completion record, to the admin who asked: what each module erased, what it kept and under which exception, and when. */
export function completionRecord(
  to: string,
  input: { siteName: string; orgName: string; orgId: string; requestedAt: string; startedAt: string; completedAt: string; erasure: OrganizationErasure },
): OutgoingMail {
  const lines: string[] = [];
  const kept = new Set<RetentionException>();
  for (const [module, tables] of Object.entries(input.erasure.modules)) {
    for (const [table, e] of Object.entries(tables)) {
      const parts = [e.deleted > 0 ? `${e.deleted} removed` : '', e.deidentified > 0 ? `${e.deidentified} de-identified` : '', e.kept > 0 ? `${e.kept} kept${e.keptAs === 'deidentified' ? ' de-identified' : ''} under ${e.exception}` : ''].filter(Boolean);
      if (e.kept > 0 && e.exception) kept.add(e.exception);
      lines.push(`- ${module}.${table}: ${parts.join(', ') || 'nothing held'}`);
    }
  }
  const exceptions = [...kept].map((x) => `- ${x}: ${RETENTION_EXCEPTIONS[x]}`);
  return {
    to,
    subject: `Organization deletion completed on ${input.siteName}`,
    text:
      `Hello,\n\nThe deletion you asked for of the organization ${quotedName(input.orgName)} (${input.orgId}) on ${input.siteName} is complete.\n\n` +
      `Requested: ${when(input.requestedAt)}\nProtocol access stopped: ${when(input.startedAt)}\nErasure completed: ${when(input.completedAt)}\n\n` +
      `What was done, per module and table (rows):\n${lines.join('\n')}\n\n` +
      (exceptions.length > 0 ? `Records kept, and the exception each is kept under:\n${exceptions.join('\n')}\n\n` : '') +
      `The members' own accounts were not deleted: they are the people's own, and only their membership of this organization went.\n` +
      `Keep this message as the record of the deletion.\n\n— ${input.siteName}\n`,
  };
}
