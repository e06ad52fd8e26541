/** ACC-4: Sign in with Google: the steps after Google answered, and the link on the account page. */
import { type Static, Type } from 'typebox';
import { Nullable, Query, StrictObject, StringEnum } from './common.ts';

const text = (maxLength: number, minLength?: number) => Type.String(minLength ? { minLength, maxLength } : { maxLength });

export const GoogleStartQuery = Query({
  next: Type.Optional(Type.String({ maxLength: 500, description: 'A path on this site to land on once signed in (anything else lands on /)' })),
  purpose: Type.Optional(
    StringEnum(['signin', 'reauth'], {
      description: '`reauth`: a signed-in person whose account is linked to Google confirms it is them (Google asks them to sign in again); the session then counts as re-authenticated for five minutes, as after POST /api/v1/me/reauth',
    }),
  ),
});
export type GoogleStartQuery = Static<typeof GoogleStartQuery>;

export const GoogleCallbackQuery = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 2048 })),
    state: Type.Optional(Type.String({ maxLength: 2048 })),
    error: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: true },
);
export type GoogleCallbackQuery = Static<typeof GoogleCallbackQuery>;

/** What is left after Google answered: a new account (`signup`), a link to an existing one (`link`), or its second factor (`mfa`). */
export const GooglePending = Type.Object({
  step: StringEnum(['signup', 'link', 'mfa']),
  email: Nullable(Type.String()),
  givenName: Nullable(Type.String()),
  familyName: Nullable(Type.String()),
});
export type GooglePending = Static<typeof GooglePending>;

/** ACC-1, DSR-8: the sign-up fields Google does not give (the password is Google's part). */
export const GoogleSignupBody = StrictObject({
  companyName: text(200, 1),
  companySize: Type.Optional(text(50)),
  phone: Type.Optional(text(50)),
  address: Type.Optional(text(500)),
  ageConfirmed: Type.Boolean({ description: 'The person confirms they are 16 or older (DSR-8)' }),
  personalization: Type.Optional(Type.Boolean({ description: 'false opts out of personalization, on the form that collects the data (PRV-3)' })),
});
export type GoogleSignupBody = Static<typeof GoogleSignupBody>;

/** The existing account's password (and code, with MFA on): the proof before a link (ACC-4). */
export const GoogleLinkBody = StrictObject({
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  totp: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'TOTP code or recovery code, once MFA is on' })),
});
export type GoogleLinkBody = Static<typeof GoogleLinkBody>;

export const GoogleMfaBody = StrictObject({
  totp: Type.String({ minLength: 1, maxLength: 20, description: 'TOTP code or recovery code' }),
});
export type GoogleMfaBody = Static<typeof GoogleMfaBody>;

/** A completed step: signed in (a session cookie is set), and where to go. */
export const GoogleSignedIn = Type.Object({ token: Type.String(), csrfToken: Type.String(), next: Type.String() });
export type GoogleSignedIn = Static<typeof GoogleSignedIn>;

/** A step-up through Google finished with the code: the session counts as re-authenticated until `until`. */
export const GoogleReauthenticated = Type.Object({ until: Type.String({ format: 'date-time' }), next: Type.String() });
export type GoogleReauthenticated = Static<typeof GoogleReauthenticated>;

/** The account page's view of the link. */
export const GoogleLinkStatus = Type.Object({
  enabled: Type.Boolean({ description: 'Sign in with Google is set up on this server' }),
  linked: Type.Boolean(),
  email: Nullable(Type.String({ description: 'The address Google gave at the last sign-in' })),
  linkedAt: Nullable(Type.String()),
  hasPassword: Type.Boolean({ description: 'Unlinking needs a password to sign in with' }),
});
export type GoogleLinkStatus = Static<typeof GoogleLinkStatus>;
