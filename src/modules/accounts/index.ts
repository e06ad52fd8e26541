export { createAccounts, type Accounts } from './accounts.service.ts';
export type { AccountsConfig, AccountsDeps, IdentityHooks, MemberLookup, PlanHooks, SignupChoices } from './accounts.deps.ts';
export { AccountsErrors } from './accounts.errors.ts';
export { type AccountView, type AccountFacts, normalizeEmail, validEmail, requiredText, optionalText } from './accounts.views.ts';
export { createThrottle, type Throttle, type ThrottleRule } from './throttle.service.ts';
export { callerOfSession, type SignedIn, type SessionView } from './sessions.service.ts';
export type { Channel, Identity, CredentialInput, VerifiedCredentials } from './credentials.service.ts';
export type { NewAccount } from './registration.service.ts';
export { ARGON2_OPTIONS, argon2Hasher, type PasswordHasher, checkPasswordPolicy, MIN_PASSWORD_LENGTH } from './passwords.ts';
