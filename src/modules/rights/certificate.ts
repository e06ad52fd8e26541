import { sha256 } from '../../core/crypto.ts';
import { type ErasureOutcome, RETENTION_EXCEPTIONS, type RetentionException } from './registry.ts';

/**
 * DSR-5: the deletion certificate: what the erasure did, table by table (deleted, de-identified,
 * or kept and under which named exception), when, and to whom the deletion was passed on. It names
 * no person: no address, name or account id; only the request's reference, tables and counts, and
 * the third parties told (companies). Its SHA-256 digest is of its canonical JSON without the digest.
 */
export interface DeletionCertificate {
  format: 'castellan-deletion-certificate';
  version: 1;
  site: string;
  requestId: string;
  regime: string;
  receivedAt: string;
  verifiedAt: string | null;
  erasedAt: string;
  basis: 'deletion_request';
  tables: Array<{
    module: string;
    table: string;
    deleted: number;
    deidentified: number;
    kept: number;
    keptAs: 'deidentified' | 'unchanged' | null;
    exception: RetentionException | null;
    exceptionText: string | null;
  }>;
  /** PRV-9, DSR-5: each third party that received the data, told of the deletion by mail or to be told by post. */
  passedOnTo: Array<{ name: string; kind: string; notifiedBy: 'email' | 'post' }>;
  /** The organizations that administer a membership of the person, pointed to and told (how many; they are named in the answer). */
  organizationsNotified: number;
  digest: string;
}

/** Canonical JSON: keys sorted at every level, so the digest does not depend on the order they were set in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const digestOf = (c: Omit<DeletionCertificate, 'digest'> | DeletionCertificate): string => {
  const { digest: _digest, ...rest } = c as DeletionCertificate;
  return sha256(canonicalJson(rest));
};

export function buildCertificate(
  input: Omit<DeletionCertificate, 'format' | 'version' | 'tables' | 'digest' | 'basis'>,
  outcome: Record<string, ErasureOutcome>,
): DeletionCertificate {
  const tables = Object.entries(outcome).flatMap(([module, byTable]) =>
    Object.entries(byTable).map(([table, e]) => ({
      module,
      table,
      deleted: e.deleted,
      deidentified: e.deidentified,
      kept: e.kept,
      keptAs: e.keptAs,
      exception: e.kept > 0 ? e.exception : null,
      exceptionText: e.kept > 0 && e.exception ? RETENTION_EXCEPTIONS[e.exception] : null,
    })),
  );
  const body = { format: 'castellan-deletion-certificate' as const, version: 1 as const, basis: 'deletion_request' as const, ...input, tables };
  return { ...body, digest: digestOf(body) };
}

/** The certificate as people read it (the mail, and `?format=text`). */
export function certificateText(c: DeletionCertificate): string {
  const lines = [
    `${c.site}: certificate of deletion`,
    '',
    `Request ${c.requestId} (${c.regime.toUpperCase()}), received ${c.receivedAt.slice(0, 10)}, verified ${c.verifiedAt?.slice(0, 10) ?? '-'}.`,
    `Erased on ${c.erasedAt}.`,
    '',
    'What was done, table by table:',
    ...c.tables
      .filter((t) => t.deleted + t.deidentified + t.kept > 0)
      .map((t) => {
        const parts = [t.deleted ? `${t.deleted} deleted` : '', t.deidentified ? `${t.deidentified} de-identified` : '', t.kept ? `${t.kept} kept (${t.keptAs}) under ${t.exception}: ${t.exceptionText}` : ''];
        return `- ${t.module}.${t.table}: ${parts.filter(Boolean).join('; ')}`;
      }),
    '',
    c.passedOnTo.length > 0 ? 'The deletion was passed on to:' : 'No third party had received the data.',
    ...c.passedOnTo.map((p) => `- ${p.name} (${p.kind}), by ${p.notifiedBy === 'email' ? 'email' : 'post'}`),
    ...(c.organizationsNotified > 0 ? ['', `${c.organizationsNotified} organization(s) that administer a membership were told.`] : []),
    '',
    `SHA-256 digest of this certificate: ${c.digest}`,
  ];
  return `${lines.join('\n')}\n`;
}
