import type { OutgoingMail } from '../mail/index.ts';

/**
 * GOV-2, GOV-3: the words of the mail and in-app notices of domains and control. Names chosen by an
 * organization are quoted and flattened, and never put in a subject line.
 */

export function quoted(name: string, max = 80): string {
  // eslint-disable-next-line no-control-regex -- control and direction characters are exactly what is removed here
  const flat = name.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
  const short = [...flat].length > max ? `${[...flat].slice(0, max - 1).join('')}…` : flat;
  return `“${short.replace(/[“”"]/g, "'")}”`;
}

export interface Site {
  siteName: string;
  publicUrl: string;
}

/** GOV-3, ACC-1: what control means, said the same way in the mail and the notice. */
function controlMeaning(site: Site, orgName: string, email: string): string {
  return (
    `The organization ${quoted(orgName)} verified that it owns the domain of your address ${email}, and now administers your ${site.siteName} account. This means:\n` +
    `- its administrators can terminate your access to the services it provides through ${site.siteName};\n` +
    `- its administrators can install or uninstall third-party integrations for the organization;\n` +
    `- you can no longer change the email address of your account on your own: a change now needs an administrator's approval.\n\n` +
    `Your own privacy rights are unchanged: you can still export your data or ask for its deletion from your account settings.\n` +
    `For questions about how the organization uses the service, ask its administrators: your use is subject to its policies.`
  );
}

/** ACC-1: how to keep an account of one's own. */
const PERSONAL =
  'To keep an account that no organization administers, use a personal email address (one whose domain no organization owns): ' +
  "ask to change this account's address to it (the organization's administrators approve the change), or sign up again with that address.";

export function controlNotice(site: Site, input: { orgName: string; email: string }): { title: string; body: string } {
  return {
    title: `${quoted(input.orgName)} now administers your account`,
    body:
      controlMeaning(site, input.orgName, input.email) +
      `\n\n${PERSONAL}`,
  };
}

export function controlMail(site: Site, input: { to: string; orgName: string }): OutgoingMail {
  return {
    to: input.to,
    subject: `An organization now administers your ${site.siteName} account`,
    text:
      `Hello,\n\n${controlMeaning(site, input.orgName, input.to)}\n\n` +
      `${PERSONAL}\n\n` +
      `You can see this notice in your account: ${site.publicUrl}/account\n\n— ${site.siteName}\n`,
  };
}

export function releaseNotice(
  site: Site,
  input: { orgName: string; domain: string; reason: 'unverified' | 'removed' } | { orgName: string; reason: 'address_changed'; email: string },
): { title: string; body: string } {
  const why =
    input.reason === 'address_changed'
      ? `your account's address is now ${input.email}, which is not at a domain the organization has verified`
      : input.reason === 'unverified'
        ? `its ownership of the domain ${input.domain} could no longer be verified`
        : `it removed the domain ${input.domain}`;
  return {
    title: `${quoted(input.orgName)} no longer administers your account`,
    body:
      `The organization ${quoted(input.orgName)} no longer administers your ${site.siteName} account, because ${why}. ` +
      `You can change your email address on your own again. Any membership you have in the organization is unchanged.`,
  };
}

export function unverifiedMail(site: Site, input: { to: string; orgName: string; domain: string; released: number; reason?: string }): OutgoingMail {
  const what =
    input.reason === 'dns_error'
      ? 'could not look up its TXT record (castellan-verification=...) for 7 days: every lookup failed'
      : 'no longer found its TXT record (castellan-verification=...)';
  return {
    to: input.to,
    subject: `A domain of your organization on ${site.siteName} is no longer verified`,
    text:
      `Hello,\n\nThe daily check of the domain ${input.domain}, verified by your organization ${quoted(input.orgName)} on ${site.siteName}, ${what}.\n\n` +
      `The domain is now unverified, and the organization no longer administers the ${input.released} account(s) it controlled through it; each person was told.\n` +
      `To verify it again, publish the record shown on the domain's page and press Verify: ${site.publicUrl}/console/domains\n\n— ${site.siteName}\n`,
  };
}
