import { describe, expect, it } from 'vitest';
import * as billingContract from '../contracts/billing.ts';
import * as common from '../contracts/common.ts';
import * as consentContract from '../contracts/consent.ts';
import * as disclosuresContract from '../contracts/disclosures.ts';
import * as kbContract from '../contracts/kb.ts';
import * as marketingContract from '../contracts/marketing.ts';
import * as policiesContract from '../contracts/policies.ts';
import * as resourcesContract from '../contracts/resources.ts';
import * as childReportsContract from '../contracts/child-reports.ts';
import * as rightsContract from '../contracts/rights.ts';
import * as supportContract from '../contracts/support.ts';
import * as usersContract from '../contracts/users.ts';
import { type MembershipStatus, type OrgRole, STAFF_ROLES } from '../core/caller.ts';
import { CARD_BRANDS, HOLDER_NAME_MAX } from '../modules/billing/index.ts';
import { PLANS, RESOURCE_KINDS, type TransferFormat } from '../modules/directory/index.ts';
import {
  CAMPAIGN_LIMITS,
  DATA_CATEGORY_NAMES,
  LIST_PATTERN,
  POLICY_MARKDOWN_MAX,
  POLICY_SUMMARY_MAX,
  POLICY_TITLE_MAX,
  PURPOSE_NAMES,
  RECIPIENT_KINDS,
} from '../modules/privacy/index.ts';
import * as rights from '../modules/rights/index.ts';
import * as support from '../modules/support/index.ts';

/** Compiles only when A and B are the same union: a literal type that drifts breaks the build. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(proof: Same<A, B>) => proof;

/**
 * The contracts restate a module's value lists and limits (they import nothing but typebox, so the
 * web app can load them); these checks keep each copy equal to the module's, so a value added to
 * one side fails here instead of being refused, or let through, by the other.
 */
describe('contracts agree with the modules', () => {
  it('roles, plans, kinds and formats', () => {
    expect(common.STAFF_ROLES).toEqual(STAFF_ROLES);
    expect(same<common.OrgRole, OrgRole>(true)).toBe(true);
    expect(same<common.MembershipStatus, MembershipStatus>(true)).toBe(true);
    expect(usersContract.PLANS).toEqual(PLANS);
    expect(same<usersContract.TransferFormat, TransferFormat>(true)).toBe(true);
    expect(resourcesContract.RESOURCE_KINDS).toEqual(RESOURCE_KINDS);
  });

  it('privacy: purposes, the disclosure vocabulary, campaigns and policy limits', () => {
    expect(consentContract.PURPOSE_NAMES).toEqual(PURPOSE_NAMES);
    expect(disclosuresContract.RECIPIENT_KINDS).toEqual(RECIPIENT_KINDS);
    expect(disclosuresContract.DATA_CATEGORY_NAMES).toEqual(DATA_CATEGORY_NAMES);
    expect(marketingContract.LIST_PATTERN).toBe(LIST_PATTERN);
    expect(marketingContract.CAMPAIGN_LIMITS).toEqual(CAMPAIGN_LIMITS);
    expect([policiesContract.POLICY_TITLE_MAX, policiesContract.POLICY_SUMMARY_MAX, policiesContract.POLICY_MARKDOWN_MAX]).toEqual([
      POLICY_TITLE_MAX,
      POLICY_SUMMARY_MAX,
      POLICY_MARKDOWN_MAX,
    ]);
  });

  it('billing: card brands and the holder name', () => {
    expect(billingContract.CARD_BRANDS).toEqual(CARD_BRANDS);
    expect(billingContract.HOLDER_NAME_MAX).toBe(HOLDER_NAME_MAX);
  });

  it('support: ticket values, limits and the knowledge base', () => {
    expect(supportContract.ENVIRONMENTS).toEqual(support.ENVIRONMENTS);
    expect(supportContract.PRIORITIES).toEqual(support.PRIORITIES);
    expect(supportContract.TICKET_STATUSES).toEqual(support.TICKET_STATUSES);
    expect(supportContract.CLOSE_REASON_NAMES).toEqual(support.CLOSE_REASON_NAMES);
    expect(supportContract.VERIFICATION_ACTIONS).toEqual(support.VERIFICATION_ACTIONS);
    expect([supportContract.SUBJECT_MAX, supportContract.MESSAGE_MAX, supportContract.SYSTEM_VERSION_MAX, supportContract.ATTACHMENTS_MAX]).toEqual([
      support.SUBJECT_MAX,
      support.BODY_MAX,
      support.SYSTEM_VERSION_MAX,
      support.MAX_ATTACHMENTS,
    ]);
    const kb = ['ARTICLE_TITLE_MAX', 'ARTICLE_MARKDOWN_MAX', 'SLUG_MAX', 'SLUG_PATTERN', 'TAGS_MAX', 'SYSTEM_MAX', 'VERSION_MAX', 'NOTES_MAX', 'SEARCH_MAX'] as const;
    expect(kb.map((k) => kbContract[k])).toEqual(kb.map((k) => support[k]));
  });

  it('DSR-1: request kinds, regimes, channels, states, outcomes and limits', () => {
    const lists = ['REQUEST_KINDS', 'REGIMES', 'CHANNELS', 'REQUEST_STATES', 'OUTCOMES', 'DETAILS_MAX', 'REASON_MAX'] as const;
    expect(lists.map((k) => rightsContract[k])).toEqual(lists.map((k) => rights[k]));
  });

  it('DSR-8: child report states, outcomes and limits', () => {
    const lists = ['CHILD_REPORT_STATES', 'CHILD_REPORT_OUTCOMES', 'CHILD_DETAILS_MAX'] as const;
    expect(lists.map((k) => childReportsContract[k])).toEqual(lists.map((k) => rights[k]));
  });
});
