/** DIR-2, DIR-3: resources, and the bindings that grant access to them. */
import { type Static, Type } from 'typebox';
import { Id, Items, Nullable, Page, Query, StrictObject, StringEnum, pageQuery } from './common.ts';

export const RESOURCE_KINDS = ['system', 'application', 'network'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

const kind = StringEnum(RESOURCE_KINDS);
const name = Type.String({ minLength: 1, maxLength: 100 });
/** Free-form settings of a resource (at most 100 of them). */
const settings = Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, maxProperties: 100 });

export const Resource = Type.Object({ id: Type.String(), kind, name: Type.String(), settings, createdAt: Type.String() });
export type Resource = Static<typeof Resource>;
export const ResourcePage = Page(Resource);
/**
 * PRO-2: a new resource; an OIDC application (settings.protocol "oidc") also has its client id and,
 * unless it is public, its client secret, answered this once and never again. PRO-3: a network also
 * has its RADIUS shared secret, answered this once.
 */
export const CreatedResource = Type.Object({ ...Resource.properties, clientId: Type.Optional(Type.String()), clientSecret: Type.Optional(Type.String()), sharedSecret: Type.Optional(Type.String()) });
/** PRO-2: a rotated client secret, answered this once; the previous one no longer works. */
export const ClientSecret = Type.Object({ clientId: Type.String(), clientSecret: Type.String() });
export type CreatedResource = Static<typeof CreatedResource>;
export type ClientSecret = Static<typeof ClientSecret>;

export const Binding = Type.Object({
  id: Type.String(),
  resourceId: Type.String(),
  userId: Nullable(Type.String()),
  groupId: Nullable(Type.String()),
  createdAt: Type.String(),
});
export type Binding = Static<typeof Binding>;
export const BindingList = Items(Binding);

export const ResourceParams = StrictObject({ orgId: Id, resourceId: Id });
export type ResourceParams = Static<typeof ResourceParams>;
export const BindingParams = StrictObject({ orgId: Id, resourceId: Id, bindingId: Id });
export type BindingParams = Static<typeof BindingParams>;

export const CreateResourceBody = StrictObject({ kind, name, settings: Type.Optional(settings) });
export type CreateResourceBody = Static<typeof CreateResourceBody>;

export const ListResourcesQuery = Query({ kind: Type.Optional(kind), ...pageQuery });
export type ListResourcesQuery = Static<typeof ListResourcesQuery>;

export const UpdateResourceBody = StrictObject({ name: Type.Optional(name), settings: Type.Optional(settings) });
export type UpdateResourceBody = Static<typeof UpdateResourceBody>;

/** Exactly one of the two: a user or a group of the organization. */
export const BindBody = StrictObject({ userId: Type.Optional(Id), groupId: Type.Optional(Id) }, { minProperties: 1, maxProperties: 1 });
export type BindBody = Static<typeof BindBody>;

/** PRO-1: a service account of an LDAP application, with the DN it binds as. */
export const ServiceAccount = Type.Object({ id: Type.String(), name: Type.String(), resourceId: Type.String(), dn: Type.String(), createdAt: Type.String() });
export type ServiceAccount = Static<typeof ServiceAccount>;
export const ServiceAccountList = Items(ServiceAccount);
/** Answered once, when the service account is made: the secret is never shown again. */
export const CreatedServiceAccount = Type.Object({ ...ServiceAccount.properties, secret: Type.String() });
export const CreateServiceAccountBody = StrictObject({ name: Type.String({ minLength: 1, maxLength: 32 }) });
export type CreateServiceAccountBody = Static<typeof CreateServiceAccountBody>;
export const ServiceAccountParams = StrictObject({ orgId: Id, resourceId: Id, serviceAccountId: Id });
