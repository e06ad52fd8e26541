/** ACC-1, ACC-3, DSR-8: sign-up and email verification. */
import { type Static, Type } from 'typebox';
import { StrictObject, UserRef } from './common.ts';

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

export const VerifyEmailBody = StrictObject({ token: text(200, 1) });
export type VerifyEmailBody = Static<typeof VerifyEmailBody>;

export const VerifyEmailResponse = Type.Object({ user: UserRef });
export type VerifyEmailResponse = Static<typeof VerifyEmailResponse>;
