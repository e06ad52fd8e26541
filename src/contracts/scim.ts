/** PRO-4: an organization's SCIM provisioning tokens (the SCIM protocol itself is served at /scim/v2). */
import { type Static, Type } from 'typebox';
import { Id, Items, Nullable, StrictObject } from './common.ts';

export const ScimToken = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String(), { description: 'when it last authenticated a SCIM request (to the minute)' }),
});
export type ScimToken = Static<typeof ScimToken>;
export const ScimTokenList = Items(ScimToken);
export type ScimTokenList = Static<typeof ScimTokenList>;

/** Answered once, when the token is made: it is never shown again. */
export const CreatedScimToken = Type.Object({ ...ScimToken.properties, token: Type.String({ description: 'the bearer token for /scim/v2, shown this once' }) });
export type CreatedScimToken = Static<typeof CreatedScimToken>;

export const CreateScimTokenBody = StrictObject({ name: Type.String({ minLength: 1, maxLength: 100 }) });
export type CreateScimTokenBody = Static<typeof CreateScimTokenBody>;

export const ScimTokenParams = StrictObject({ orgId: Id, tokenId: Id });
export type ScimTokenParams = Static<typeof ScimTokenParams>;
