import type { OutgoingMail } from '../mail/index.ts';

/** GOV-4: what the person and their organization's admins are told of an email change. Transactional mail. */

const sign = '\n\n— Castellan\n';

export function requestedToAdminMail(to: string, admin: string, orgName: string, person: { name: string; email: string }, newEmail: string, link: string): OutgoingMail {
  return {
    to,
    subject: `Email change awaiting approval: ${person.name}`,
    text: `Hello ${admin},\n\n${person.name} (${person.email}), whose account ${orgName} administers, asked to change their address to ${newEmail}.\nNothing changes until an admin of ${orgName} approves; then a link goes to the new address, and the change happens once it is opened.\n\nApprove or deny: ${link}${sign}`,
  };
}

export function requestedToPersonMail(to: string, name: string, orgName: string, newAddressHint: string): OutgoingMail {
  return {
    to,
    subject: 'Your email change is waiting for approval',
    text: `Hello ${name},\n\nYou asked to change the address of your Castellan account to ${newAddressHint}. ${orgName} administers your account, so its admins approve the change first; you will hear from us when they decide. You can cancel the request from your account page.\nYour privacy rights (a copy of your data, a deletion request) keep working meanwhile.\nIf this was not you, change your password at once.${sign}`,
  };
}

export function approvedMail(to: string, name: string, orgName: string, newAddressHint: string): OutgoingMail {
  return {
    to,
    subject: 'Your email change was approved',
    text: `Hello ${name},\n\nAn admin of ${orgName} approved changing your address to ${newAddressHint}. We sent a link to the new address: the change happens when you open it.${sign}`,
  };
}

export function deniedMail(to: string, name: string, orgName: string, newAddressHint: string, reason: string | null): OutgoingMail {
  return {
    to,
    subject: 'Your email change was denied',
    text: `Hello ${name},\n\nAn admin of ${orgName} denied changing your address to ${newAddressHint}; your account keeps its current address.${reason ? `\nTheir reason: ${reason}` : ''}\nAsk your organization's admins if you have questions.${sign}`,
  };
}

/** The in-app notices (GOV-4): the same facts as the mail, on the account page. */
export const notices = {
  requested: (orgName: string, hint: string) => ({ kind: 'governance.email_change_requested', title: 'Email change waiting for approval', body: `Your change of address to ${hint} waits for the approval of ${orgName}, which administers your account.` }),
  approved: (orgName: string, hint: string) => ({ kind: 'governance.email_change_approved', title: 'Email change approved', body: `${orgName} approved your change of address to ${hint}. Open the link we sent to the new address to finish.` }),
  denied: (orgName: string, hint: string, reason: string | null) => ({
    kind: 'governance.email_change_denied',
    title: 'Email change denied',
    body: `${orgName} denied your change of address to ${hint}.${reason ? ` Reason: ${reason}` : ''}`,
  }),
};
