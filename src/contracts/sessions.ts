/** Sign-in and sign-out (ACC-5, ACC-7), and password reset by emailed token (ACC-2). */
import { type Static, Type } from 'typebox';
import { StrictObject, UserRef } from './common.ts';

export const SignInBody = StrictObject({
  email: Type.String({ minLength: 1, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  totp: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'TOTP code or recovery code, once MFA is on' })),
});
export type SignInBody = Static<typeof SignInBody>;

export const SignInResponse = Type.Object({ token: Type.String(), csrfToken: Type.String(), user: UserRef });
export type SignInResponse = Static<typeof SignInResponse>;

export const PasswordResetBody = StrictObject({ email: Type.String({ minLength: 1, maxLength: 254 }) });
export type PasswordResetBody = Static<typeof PasswordResetBody>;

export const PasswordResetConfirmBody = StrictObject({
  token: Type.String({ minLength: 1, maxLength: 200 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type PasswordResetConfirmBody = Static<typeof PasswordResetConfirmBody>;
