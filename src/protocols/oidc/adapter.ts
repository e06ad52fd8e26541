import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';
import type { OidcModelStore, OidcPayload } from '../../modules/federation/index.ts';

/**
 * oidc-provider's storage: one adapter per model over the federation module's Kysely store. The
 * `Client` model is read from the directory's applications (`clients`), never stored here.
 */
export function adapterFactory(store: (model: string) => OidcModelStore, clients: Adapter): AdapterFactory {
  return (model) => (model === 'Client' ? clients : wrap(store(model)));
}

function wrap(s: OidcModelStore): Adapter {
  return {
    upsert: (id, payload, expiresIn) => s.upsert(id, payload as OidcPayload, expiresIn),
    find: async (id) => (await s.find(id)) as AdapterPayload | undefined,
    findByUid: async (uid) => (await s.findByUid(uid)) as AdapterPayload | undefined,
    findByUserCode: async (code) => (await s.findByUserCode(code)) as AdapterPayload | undefined,
    consume: (id) => s.consume(id),
    destroy: (id) => s.destroy(id),
    revokeByGrantId: (grantId) => s.revokeByGrantId(grantId),
  };
}

/** Clients are the directory's to change: the provider may read them, and nothing else. */
export function readOnlyClients(find: (clientId: string) => Promise<AdapterPayload | undefined>): Adapter {
  const refuse = async () => {
    throw new Error('OIDC clients are managed as application resources, not through the provider');
  };
  return {
    find,
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    upsert: refuse,
    consume: refuse,
    destroy: refuse,
    revokeByGrantId: async () => {},
  };
}
