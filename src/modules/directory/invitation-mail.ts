import type { OutgoingMail } from '../mail/index.ts';

/**
 * A name chosen by an organization, as mail may quote it: on one line, without control or
 * bidirectional characters, shortened, and in quotation marks, so the recipient can tell it from
 * the site's own words (an organization named "Security team: your account is locked" must read
 * as a quoted name, never as an instruction).
 */
export function quotedName(name: string, max = 80): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed here
  const flat = name.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
  const short = [...flat].length > max ? `${[...flat].slice(0, max - 1).join('')}…` : flat;
  return `“${short.replace(/[“”"]/g, "'")}”`;
}

/**
 * The invitation: the same text whether or not the address already has an account (the page the
 * link opens asks to sign in or to choose a password). Names the organization and the inviter only
 * as quoted names, and never in the subject line.
 */
export function invitationMail(to: string, input: { siteName: string; orgName: string; inviterName: string | null; link: string; expiresDays: number }): OutgoingMail {
  const inviter = input.inviterName ? `\nInvited by (as named in that organization): ${quotedName(input.inviterName)}` : '';
  return {
    to,
    subject: `Invitation to join an organization on ${input.siteName}`,
    text:
      `Hello,\n\nAn administrator invited this address to join an organization on ${input.siteName}.\n\n` +
      `Organization (its name is chosen by its administrators): ${quotedName(input.orgName)}${inviter}\n\n` +
      `To accept, open this link. If you already have an account, you sign in; if not, you choose your own password:\n\n${input.link}\n\n` +
      `The link works once and expires in ${input.expiresDays} days. If you did not expect this, ignore this message: nothing happens until you accept.\n\n— ${input.siteName}\n`,
  };
}
