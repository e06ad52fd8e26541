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

export function emailChangeMail(to: string, name: string, link: string): OutgoingMail {
  return {
    to,
    subject: 'Confirm your new email address',
    text: `Hello ${name},\n\nYou asked to use this address for your Castellan account. Confirm it by opening:\n\n${link}\n\nThe link works once and expires in 24 hours. Until then your account keeps its current address. If you did not ask, ignore this message.${sign}`,
  };
}

export function emailChangeTakenMail(to: string): OutgoingMail {
  return {
    to,
    subject: 'Someone asked to move an account to your address',
    text: `Hello,\n\nSomeone signed in to Castellan asked to use this address for their account, but you already have an account with it, so nothing changed.\nIf this was you, sign in with this address instead. Otherwise you need not do anything.${sign}`,
  };
}

export function emailChangeRequestedMail(to: string, name: string, newAddressHint: string): OutgoingMail {
  return {
    to,
    subject: 'A change of your email address was requested',
    text: `Hello ${name},\n\nSomeone signed in to your Castellan account, with your password, asked to change its address to ${newAddressHint}. Nothing changes until the new address is confirmed.\nIf this was not you, change your password at once and sign out your other sessions.${sign}`,
  };
}

export function emailChangedMail(to: string, name: string, newAddressHint: string): OutgoingMail {
  return {
    to,
    subject: 'Your email address was changed',
    text: `Hello ${name},\n\nThe address of your Castellan account is now ${newAddressHint}; mail for it no longer comes here.\nIf this was not you, contact your administrator at once.${sign}`,
  };
}
