/** ACC-1, ACC-3, DSR-8: sign-up and email verification. */
import { type Static, Type } from 'typebox';
import { Nullable, StrictObject, UserRef } from './common.ts';

const text = (maxLength: number, minLength?: number) => Type.String(minLength ? { minLength, maxLength } : { maxLength });

export const SignupBody = StrictObject({
  email: Type.String({ format: 'email', maxLength: 254 }),
  password: text(1024, 1),
  name: text(200, 1),
  companyName: text(200, 1),
  companySize: Type.Optional(text(50)),
  phone: Type.Optional(text(50)),
  address: Type.Optional(text(500)),
  ageConfirmed: Type.Boolean({ description: 'The person confirms they are 16 or older (DSR-8)' }),
  personalization: Type.Optional(Type.Boolean({ description: 'false opts out of personalization, on the form that collects the data (PRV-3)' })),
});
export type SignupBody = Static<typeof SignupBody>;

/** The organization fields of sign-up, and of starting another organization. */
export const OrganizationBody = StrictObject({
  companyName: text(200, 1),
  companySize: Type.Optional(text(50)),
  phone: Type.Optional(text(50)),
  address: Type.Optional(text(500)),
});
export type OrganizationBody = Static<typeof OrganizationBody>;

/** What an organization's admins change of it: its name (its LDAP slug stays), and whether every member needs MFA (ACC-5). */
export const UpdateOrganizationBody = StrictObject({
  name: Type.Optional(text(200, 1)),
  requireMfa: Type.Optional(Type.Boolean({ description: 'Every member must have two-step verification on (ACC-5); the admin making the change must have it on already' })),
  scimRemoveAfterDays: Type.Optional(
    Nullable(Type.Integer({ minimum: 0, maximum: 3650, description: 'PRO-4: days a member deprovisioned over SCIM stays suspended before the membership is removed; 0: at once; null: until an admin removes it' })),
  ),
});
export type UpdateOrganizationBody = Static<typeof UpdateOrganizationBody>;

export const VerifyEmailBody = StrictObject({ token: text(200, 1) });
export type VerifyEmailBody = Static<typeof VerifyEmailBody>;

export const VerifyEmailResponse = Type.Object({ user: UserRef });
export type VerifyEmailResponse = Static<typeof VerifyEmailResponse>;
