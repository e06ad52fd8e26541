// The card on file (PRV-10): the organization's admins.
import type { BillingSummary, Card, CardBody } from '../../contracts/billing.ts';
import { authed, org, request } from './client.ts';

export type { Card } from '../../contracts/billing.ts';
/** Sent once to the server, which hands it to the payment provider; never kept in the page. */
export type CardInput = CardBody;

export const billingApi = {
  /** `{card}`: the card on file or null, without a 404 when there is none. */
  getBilling: (orgId: string) => request<BillingSummary>('GET', `${org(orgId)}/billing`, authed),
  getCard: (orgId: string) => request<Card>('GET', `${org(orgId)}/billing/card`, authed),
  setCard: (orgId: string, input: CardBody) => request<Card>('PUT', `${org(orgId)}/billing/card`, { body: input, ...authed }),
  removeCard: (orgId: string) => request<void>('DELETE', `${org(orgId)}/billing/card`, authed),
};
