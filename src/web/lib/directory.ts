import type { Page, ResourceKind, User, Via } from '../api.ts';

export const KINDS: ReadonlyArray<{ value: ResourceKind; label: string }> = [
  { value: 'system', label: 'System' },
  { value: 'application', label: 'Application' },
  { value: 'network', label: 'Network' },
];

export function kindLabel(kind: string): string {
  return KINDS.find((k) => k.value === kind)?.label ?? kind;
}

/** "directly", "through group Ops", or both: how a binding reaches a user. */
export function describeVia(via: readonly Via[]): string {
  const parts = via.map((v) => (v.type === 'user' ? 'directly' : `through group ${v.groupName}`));
  // "directly" first, then the groups in a stable order; each way once.
  const unique = [...new Set(parts)].sort((a, b) => Number(b === 'directly') - Number(a === 'directly') || a.localeCompare(b));
  if (unique.length <= 1) return unique[0] ?? '';
  return `${unique.slice(0, -1).join(', ')} and ${unique.at(-1)}`;
}

/** A user as one line in a picker: the name, and the email to tell namesakes apart. */
export function userLabel(user: Pick<User, 'name' | 'email'>): string {
  return `${user.name} (${user.email})`;
}

/** Every item of a paged list (for pickers and for naming bindings), 200 at a time. */
export async function loadAll<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, maxPages = 50): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return items;
}

export const PAGE_SIZE = 50;
