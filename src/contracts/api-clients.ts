/** PRO-2: an organization's own API clients, which call the API with client-credentials tokens. */
import { type Static, Type } from 'typebox';
import { Id, Items, StrictObject } from './common.ts';

/** The scopes an admin may give a client (src/core/caller.ts, CLIENT_SCOPES, says what each allows). */
export const API_CLIENT_SCOPES = ['directory:read', 'directory:write', 'audit:read'] as const;
export type ApiClientScope = (typeof API_CLIENT_SCOPES)[number];

export const ApiClient = Type.Object({
  id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.String(), { description: `some of ${API_CLIENT_SCOPES.join(', ')}` }),
  clientId: Type.String({ description: 'the OAuth client id (the same as id)' }),
  createdAt: Type.String(),
});
export type ApiClient = Static<typeof ApiClient>;
export const ApiClientList = Items(ApiClient);
export type ApiClientList = Static<typeof ApiClientList>;

/** Answered once, when the client is made: the secret is never shown again. */
export const CreatedApiClient = Type.Object({ ...ApiClient.properties, clientSecret: Type.String() });
export type CreatedApiClient = Static<typeof CreatedApiClient>;

/** Scopes are checked by the service (422 `federation.invalid_api_client`, naming the one that is wrong), not by the schema. */
export const CreateApiClientBody = StrictObject({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  scopes: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 10, description: `some of ${API_CLIENT_SCOPES.join(', ')}` }),
});
export type CreateApiClientBody = Static<typeof CreateApiClientBody>;

export const ApiClientParams = StrictObject({ orgId: Id, clientId: Id });
export type ApiClientParams = Static<typeof ApiClientParams>;
