import type { OutgoingMail } from '../mail/index.ts';

const when = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

/** "November 23, 2026 at 4:00 PM UTC": mail is read anywhere, so the zone is named. */
export const formatEffective = (iso: string) => `${when.format(new Date(iso))} UTC`;

export interface PolicyChange {
  siteName: string;
  publicUrl: string;
  version: number;
  title: string;
  summary: string | null;
  effectiveAt: string;
  /** The version the change is from, for the link to what changed; null for the first. */
  previousVersion: number | null;
  takenEffect: boolean;
}

/**
 * PRV-8: the email every user gets about a material change. Transactional
 * (PRV-7: policy-change notices are not marketing), so it goes to everyone,
 * whatever their marketing choices.
 */
export function policyChangeMail(to: string, name: string, c: PolicyChange): OutgoingMail {
  const changed = c.previousVersion === null ? '' : `\nWhat changed, line by line: ${c.publicUrl}/privacy/diff?from=${c.previousVersion}&to=${c.version}\n`;
  const takes = c.takenEffect ? `It took effect on ${formatEffective(c.effectiveAt)}.` : `It takes effect on ${formatEffective(c.effectiveAt)}.`;
  return {
    to,
    subject: `Changes to the ${c.siteName} privacy policy`,
    text:
      `Hello ${name},\n\nWe have made an important change to the ${c.siteName} privacy policy: version ${c.version}, "${c.title}". ${takes}\n\n` +
      (c.summary ? `In short: ${c.summary}\n\n` : '') +
      `Read the policy: ${c.publicUrl}/privacy\nThis version: ${c.publicUrl}/privacy/v/${c.version}\n${changed}\n` +
      `If you keep using ${c.siteName} after the change takes effect, that will be recorded as your acceptance of it. ` +
      `You can also acknowledge it when you next sign in.\n\n` +
      `This is a service message about your account; it is sent whatever your marketing email choices.\n\n— ${c.siteName}\n`,
  };
}
