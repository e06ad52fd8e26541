/**
 * PRV-3: the purposes personal data is used for, each with its own rule.
 * `opt_out`: allowed until the person refuses. `opt_in`: refused until the
 * person grants it, and only a recorded grant counts.
 */
export const PURPOSES = {
  analytics: { rule: 'opt_out', description: 'Site analytics: pages visited, referrer, search terms, browser, time and address.' },
  advertising: { rule: 'opt_out', description: 'Third-party advertising and ad tracking.' },
  marketing_email: { rule: 'opt_out', description: 'Newsletters and other marketing email.' },
  partner_sharing: { rule: 'opt_out', description: 'Sharing with selected partner companies.' },
  personalization: { rule: 'opt_out', description: 'Building a profile to tailor content.' },
  direct_mail: { rule: 'opt_in', description: 'Marketing by postal mail.' },
  telemarketing: { rule: 'opt_in', description: 'Marketing by telephone.' },
  profile_combination: { rule: 'opt_in', description: 'Combining what you tell us with what was recorded before you identified yourself.' },
  profile_sharing: { rule: 'opt_in', description: 'Letting other users or third parties see selected profile information.' },
} as const satisfies Record<string, { rule: 'opt_out' | 'opt_in'; description: string }>;

export type Purpose = keyof typeof PURPOSES;
export type PurposeRule = 'opt_out' | 'opt_in';
export const PURPOSE_NAMES = Object.keys(PURPOSES) as Purpose[];

export const isPurpose = (p: string): p is Purpose => Object.hasOwn(PURPOSES, p);

/** What a purpose allows when nothing was ever recorded: opt-out purposes yes, opt-in purposes no. */
export const defaultAllowed = (p: Purpose): boolean => PURPOSES[p].rule === 'opt_out';

/** PRV-5: what a Global Privacy Control signal opts out of, and nothing more. */
export const GPC_PURPOSES: readonly Purpose[] = ['advertising', 'partner_sharing'];

/** Where a consent choice came from (PRV-4). */
/** `request`: a data-subject request to opt out of sale/sharing (DSR-1); `child_report`: a confirmed report of a child's account (DSR-8). */
export const CONSENT_SOURCES = ['banner', 'preferences', 'signup', 'email_link', 'gpc', 'api', 'staff', 'request', 'child_report'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];
