import type { RequestContext } from '../../core/context.ts';
import { CATEGORIES, type Category, categoryOf } from './categories.ts';
import type { LedgerRecipient } from './fulfilment.deps.ts';
import * as store from './fulfilment.repository.ts';
import { complete, type FulfilmentContext, type OrganizationPointer, pointersOf, pointerText, SYSTEM } from './fulfilment.steps.ts';
import type { Actor } from './requests.steps.ts';
import type { PersonalDataExport } from './registry.ts';
import type { PrivacyRequestsTable } from './rights.tables.ts';

/** DSR-1 (know): what is held, where it came from, what it is for, and who received it. */
export interface KnowAnswer {
  generatedAt: string;
  categories: Array<{ category: Category; description: string; withheld: boolean; sources: string[]; purposes: string[] }>;
  thirdParties: Array<Omit<LedgerRecipient, 'firstAt'> & { firstAt: string }>;
  organizations: OrganizationPointer[];
}

/**
 * The categories of the tables that hold rows about the subject (with their sources and purposes);
 * a category whose columns exports withhold (credentials) is marked so. Third parties come from
 * the disclosure ledger (PRV-9), each with its name and postal address.
 */
export function composeKnow(at: string, data: PersonalDataExport, recipients: LedgerRecipient[], organizations: OrganizationPointer[]): KnowAnswer {
  const held = new Map<Category, { sources: Set<string>; purposes: Set<string>; withheld: boolean }>();
  const add = (table: string, withheld: boolean) => {
    const c = categoryOf(table);
    const entry = held.get(c.category) ?? { sources: new Set(), purposes: new Set(), withheld: false };
    entry.sources.add(c.source);
    entry.purposes.add(c.purpose);
    entry.withheld ||= withheld;
    held.set(c.category, entry);
  };
  const tablesWithRows = new Set<string>();
  for (const tables of Object.values(data.modules)) for (const [table, rows] of Object.entries(tables)) if (rows.length > 0) tablesWithRows.add(table);
  for (const t of tablesWithRows) add(t, false);
  // Columns withheld from a table that holds rows: the secrets are held too, in their own category.
  for (const w of data.withheld) {
    if (!tablesWithRows.has(w.table)) continue;
    const entry = held.get('account_credentials') ?? { sources: new Set<string>(), purposes: new Set<string>(), withheld: true };
    entry.withheld = true;
    entry.sources.add(categoryOf(w.table).source);
    entry.purposes.add(`${w.table}.${w.column}: ${w.why}`);
    held.set('account_credentials', entry);
  }
  const categories = (Object.keys(CATEGORIES) as Category[])
    .filter((c) => held.has(c))
    .map((c) => {
      const e = held.get(c) as { sources: Set<string>; purposes: Set<string>; withheld: boolean };
      return { category: c, description: CATEGORIES[c], withheld: e.withheld, sources: [...e.sources], purposes: [...e.purposes] };
    });
  return { generatedAt: at, categories, thirdParties: recipients, organizations };
}

export function knowText(a: KnowAnswer): string {
  const lines = [
    'The personal data we hold about you, by category:',
    ...a.categories.flatMap((c) => [`- ${c.description}${c.withheld ? ' (held, never given out)' : ''}`, `  From: ${c.sources.join('; ')}`, `  For: ${c.purposes.join('; ')}`]),
    '',
    a.thirdParties.length > 0 ? 'Third parties that received your personal data (from our disclosure ledger):' : 'No third party has received your personal data.',
    ...a.thirdParties.map((t) => `- ${t.name}, ${t.address} (${t.kind.replace('_', ' ')}): ${t.categories.join(', ')}; for ${t.purposes.join(', ')}${t.directMarketing ? '; for its own direct marketing' : ''}; ${t.firstAt.slice(0, 10)} to ${t.lastAt.slice(0, 10)}`),
  ];
  const pointers = pointerText(a.organizations);
  return `${lines.join('\n')}${pointers ? `\n\n${pointers}` : ''}`;
}

/** DSR-1 (know): composed from the registry and the ledger, stored with the request, mailed, and the request answered. */
export function createKnowFulfilment(f: FulfilmentContext) {
  const { deps, steps, ports } = f;
  const { db, clock } = deps;

  async function answer(ctx: RequestContext, row: PrivacyRequestsTable, actor: Actor): Promise<KnowAnswer> {
    const subject = await ports.subjectOf({ accountId: row.account_id, email: row.email_normalized });
    const [data, recipients, orgs] = [await ports.exportAll(subject), await ports.recipientsOf(subject), await ports.organizationsOf(subject)];
    const at = clock.now().toISOString();
    const result = composeKnow(at, data, recipients, pointersOf(orgs));
    await db.transaction().execute(async (trx) => {
      await store.saveFulfilment(trx, row.id, { status: 'answered', answer: JSON.stringify(result) }, at);
      await steps.step(trx, ctx, row, 'answered', actor, null, { categories: result.categories.length, thirdParties: result.thirdParties.length });
      await steps.tell(trx, row, `What personal data we hold about you [${row.id}]`, knowText(result));
      await complete(f, trx, ctx, row, 'complied', null, SYSTEM);
    });
    return result;
  }

  return { answer };
}
