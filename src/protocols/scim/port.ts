import type { Caller } from '../../core/caller.ts';
import type { Directory } from '../../modules/directory/index.ts';

/** What the SCIM edge asks of the core (PRO-4), wired by the composition root. */
export interface ScimDirectory {
  /** The organization's provisioning caller a SCIM token stands for, or undefined. */
  callerOf(token: string): Promise<Extract<Caller, { kind: 'client' }> | undefined>;
  scim: Pick<Directory['scim'], 'users' | 'groups'>;
  /** The SCIM paths filters may name, lower-cased. */
  filterPaths: { users: readonly string[]; groups: readonly string[] };
  /** The SCIM paths results may be sorted by, lower-cased. */
  sortKeys: { users: readonly string[]; groups: readonly string[] };
}
