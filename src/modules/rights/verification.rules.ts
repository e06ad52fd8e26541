/**
 * DSR-2, DSR-3: what verifying a request takes, as pure rules (the service applies them).
 *
 * - An account holder re-authenticates (the password, and the code when TOTP is on, or a
 *   re-authentication on the same session within the step-up window); a session alone, however
 *   fresh, is not enough. A request about an account can be verified no other way.
 * - Anyone else uses the link mailed to the address (the email loop) and gives data points that
 *   match what Castellan holds about the address: 2 for `know` (categories) and `correct`, 3 and a
 *   declaration signed under penalty of perjury for `access` (specific pieces), and for `delete`
 *   when the data held includes a sensitive category (SENSITIVE_CATEGORIES), otherwise 2.
 * - A correction is never verified by the field being corrected: that data point does not count.
 * - A CCPA request also attests California residence.
 * - DSR-3: an agent's request needs the subject's own confirmation as well; an agent is always held
 *   to the higher standard for a deletion (3 and the declaration), so that what the agent is asked
 *   for never tells them whether the subject has an account or what is held about them.
 */

/** The kinds of data point a person without an account can be asked for: what the directory holds about an invited address. */
export const DATA_POINT_KEYS = ['name', 'organization', 'username', 'invitedBy'] as const;
export type DataPointKey = (typeof DATA_POINT_KEYS)[number];
export type DataPoints = Partial<Record<DataPointKey, string>>;

/**
 * Sensitive personal information (Cal. Civ. Code 1798.140(ae)) that Castellan may hold about a
 * person: an account log-in with the password that opens it. An account is one, and so is a
 * directory entry that is more than an invitation (an imported entry binds over LDAP with its
 * username and the password kept from its former directory); an invitation never accepted has no
 * password and is not. Castellan holds no government identifiers, precise geolocation,
 * health or biometric data, and no card number (only a provider token and the last four digits).
 */
export const SENSITIVE_CATEGORIES = ['account_login'] as const;

/** What is held about a person, to match data points against (read through the composition root's port). */
export interface DataPointFacts {
  names: string[];
  organizations: string[];
  usernames: string[];
  /** The addresses of the people who invited the address. */
  inviters: string[];
  /** Whether any of it is in SENSITIVE_CATEGORIES. */
  sensitive: boolean;
}

/** Failed data-point attempts after which the verification fails (and an unverifiable deletion becomes an opt-out). */
export const MAX_FAILED_ATTEMPTS = 5;

/** The need strings of `verificationNeeds`, in the order a requester meets them. */
export type Need = 'reauthentication' | 'email_link' | `data_points:${number}` | 'declaration' | 'residence' | 'subject_confirmation';

export interface Requirement {
  points: number;
  declaration: boolean;
}

/** DSR-2: data points (and whether the declaration is needed) for a request of `kind`. */
export function requirementFor(kind: string, sensitive: boolean): Requirement {
  if (kind === 'access') return { points: 3, declaration: true };
  if (kind === 'delete' && sensitive) return { points: 3, declaration: true };
  return { points: 2, declaration: false };
}

/** DSR-2: the data point a correction of `field` would be verified by, which never counts. */
export function excludedPoint(kind: string, field: string | null): DataPointKey | null {
  if (kind !== 'correct' || !field) return null;
  const f = field.toLowerCase().replace(/[^a-z]/g, '');
  if (['name', 'fullname', 'displayname', 'membername'].includes(f)) return 'name';
  if (['username', 'login', 'uid'].includes(f)) return 'username';
  if (['organization', 'organisation', 'org', 'orgname'].includes(f)) return 'organization';
  return null;
}

/** Compares as people write: Unicode-normalized, case and runs of spaces ignored. */
export const normalizePoint = (s: string): string => s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/** DSR-2: which data points given match what is held, leaving out `excluded`. Only the kinds are returned, never the values. */
export function matchPoints(given: DataPoints, facts: DataPointFacts, excluded: DataPointKey | null): DataPointKey[] {
  const held: Record<DataPointKey, string[]> = { name: facts.names, organization: facts.organizations, username: facts.usernames, invitedBy: facts.inviters };
  return DATA_POINT_KEYS.filter((k) => {
    const v = given[k];
    if (k === excluded || v === undefined || normalizePoint(v) === '') return false;
    return held[k].some((h) => normalizePoint(h) === normalizePoint(v));
  });
}
