import type { OutgoingMail } from '../mail/index.ts';

const sign = '\n\n— Castellan\n';

export function verificationMail(to: string, name: string, link: string): OutgoingMail {
  return {
    to,
    subject: 'Verify your email address',
    text: `Hello ${name},\n\nConfirm your email address to finish setting up your Castellan account:\n\n${link}\n\nThe link works once and expires in 48 hours. If you did not sign up, ignore this message.${sign}`,
  };
}

export function existingAccountMail(to: string, signInLink: string, resetLink: string): OutgoingMail {
  return {
    to,
    subject: 'Someone tried to sign up with your email address',
    text: `Hello,\n\nSomeone tried to create a Castellan account with this email address, but you already have one.\n\nSign in: ${signInLink}\nForgot your password? ${resetLink}\n\nIf this was not you, nothing changed and you need not do anything.${sign}`,
  };
}

export function resetMail(to: string, name: string, link: string): OutgoingMail {
  return {
    to,
    subject: 'Reset your password',
    text: `Hello ${name},\n\nSomeone asked to reset the password of your Castellan account. To choose a new password, open:\n\n${link}\n\nThe link works once and expires in one hour. If you did not ask, ignore this message: your password stays as it is.${sign}`,
  };
}

export function passwordChangedMail(to: string, name: string): OutgoingMail {
  return {
    to,
    subject: 'Your password was changed',
    text: `Hello ${name},\n\nThe password of your Castellan account was just changed, and every session was signed out.\nIf this was not you, reset your password at once and contact your administrator.${sign}`,
  };
}

export function mfaChangedMail(to: string, name: string, enabled: boolean): OutgoingMail {
  return {
    to,
    subject: enabled ? 'Two-factor authentication is on' : 'Two-factor authentication was turned off',
    text: `Hello ${name},\n\nTwo-factor authentication was just turned ${enabled ? 'on' : 'off'} for your Castellan account.\nIf this was not you, reset your password at once.${sign}`,
  };
}

export function invitationMail(to: string, name: string, orgName: string, link: string): OutgoingMail {
  return {
    to,
    subject: `You are invited to ${orgName} on Castellan`,
    text: `Hello ${name},\n\nAn administrator of ${orgName} created a Castellan account for you. Choose your password to start:\n\n${link}\n\nThe link works once and expires in 7 days. Nobody else can set your password.${sign}`,
  };
}
