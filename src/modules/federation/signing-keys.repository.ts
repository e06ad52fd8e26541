import type { Executor } from '../../db/schema.ts';
import type { OidcSigningKeysTable } from './federation.tables.ts';

export type SigningKeyRow = OidcSigningKeysTable;

/** The published keys (current and previous), current first, newest first within each state. */
export function publishedKeys(ex: Executor): Promise<SigningKeyRow[]> {
  return ex
    .selectFrom('oidc_signing_keys')
    .selectAll()
    .where('state', 'in', ['current', 'previous'])
    .orderBy('state')
    .orderBy('created_at', 'desc')
    .orderBy('kid')
    .execute();
}

export async function insertKey(ex: Executor, row: SigningKeyRow): Promise<void> {
  await ex.insertInto('oidc_signing_keys').values(row).execute();
}

/** The current keys stop signing: they become previous, published until retired. */
export async function supersedeCurrent(ex: Executor, at: string): Promise<void> {
  await ex.updateTable('oidc_signing_keys').set({ state: 'previous', superseded_at: at }).where('state', '=', 'current').execute();
}

/** Ends the publication of these previous keys. */
export async function retireKeys(ex: Executor, kids: readonly string[], at: string): Promise<void> {
  if (kids.length === 0) return;
  await ex.updateTable('oidc_signing_keys').set({ state: 'retired', retired_at: at }).where('state', '=', 'previous').where('kid', 'in', kids).execute();
}
