import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { type Caller, accountIdOf, requireCapability } from '../../core/caller.ts';
import type { BillingDeps } from './billing.deps.ts';
import { BillingErrors } from './billing.errors.ts';
import type { CardsTable } from './billing.tables.ts';
import { type CardView, toCardView } from './billing.views.ts';
import * as repo from './cards.repository.ts';
import type { CardInput } from './payment-provider.ts';

export const HOLDER_NAME_MAX = 200;

/**
 * PRV-10 and DIR-4: an organization's admins keep one card on file. The card
 * is tokenized by the payment provider before anything is written, so a
 * refused or declined card changes nothing; only the token and what may be
 * shown are stored.
 */
export function createCards(deps: BillingDeps) {
  const { db, clock, audit, provider } = deps;

  /**
   * Adds the card, replacing (and detaching) any previous one. An organization
   * held to the free limits (the free plan, or a jumpstart trial that has
   * ended) moves to `paid`; a running jumpstart trial keeps its plan and its
   * specialist (SUP-2), and `paid` stays `paid`.
   */
  async function add(ctx: RequestContext, caller: Caller, orgId: string, input: CardInput): Promise<CardView> {
    requireCapability(caller, 'billing.manage_card', { orgId });
    const holderName = input.holderName.trim();
    if (holderName.length === 0 || holderName.length > HOLDER_NAME_MAX) {
      throw new AppError(BillingErrors.invalidHolderName, undefined, { details: { field: 'holderName' } });
    }
    if (!provider) throw new AppError(BillingErrors.noPaymentProvider);
    const tokenized = await provider.tokenize({ ...input, holderName });
    const row: CardsTable = {
      id: newId('card'),
      org_id: orgId,
      provider: provider.name,
      token: tokenized.token,
      brand: tokenized.brand,
      last4: tokenized.last4,
      holder_name: holderName,
      exp_month: tokenized.expMonth,
      exp_year: tokenized.expYear,
      created_at: clock.now().toISOString(),
      created_by: accountIdOf(caller),
    };
    let replaced: CardsTable | undefined;
    try {
      replaced = await db.transaction().execute(async (trx) => {
        const org = await deps.plans.lockPlan(trx, orgId);
        if (!org) throw new AppError(CommonErrors.notFound);
        const previous = await repo.findCard(trx, orgId);
        if (previous) await repo.deleteCard(trx, orgId, previous.id);
        await repo.insertCard(trx, row);
        const shown = { brand: row.brand, last4: row.last4, expMonth: row.exp_month, expYear: row.exp_year };
        await audit.record(trx, ctx, {
          action: previous ? 'billing.card_replaced' : 'billing.card_added',
          orgId,
          target: { type: 'card', id: row.id },
          details: previous ? { ...shown, previous: { brand: previous.brand, last4: previous.last4 } } : shown,
        });
        if (org.limited) await deps.plans.upgradeToPaid(trx, ctx, orgId, 'card_added');
        return previous;
      });
    } catch (e) {
      await provider?.detach(row.token);
      throw e;
    }
    if (replaced) await provider?.detach(replaced.token);
    return toCardView(row);
  }

  async function get(caller: Caller, orgId: string): Promise<CardView> {
    requireCapability(caller, 'billing.manage_card', { orgId });
    const row = await repo.findCard(db, orgId);
    if (!row) throw new AppError(BillingErrors.noCard);
    return toCardView(row);
  }

  /** The card on file, or null: for pages that ask whether there is one. */
  async function find(caller: Caller, orgId: string): Promise<CardView | null> {
    requireCapability(caller, 'billing.manage_card', { orgId });
    const row = await repo.findCard(db, orgId);
    return row ? toCardView(row) : null;
  }

  /** Removes the card and detaches it at the provider. The plan is left as it is: billing staff decide any downgrade. */
  async function remove(ctx: RequestContext, caller: Caller, orgId: string): Promise<void> {
    requireCapability(caller, 'billing.manage_card', { orgId });
    const removed = await db.transaction().execute(async (trx) => {
      if (!(await deps.plans.lockPlan(trx, orgId))) throw new AppError(CommonErrors.notFound);
      const row = await repo.findCard(trx, orgId);
      if (!row) throw new AppError(BillingErrors.noCard);
      await repo.deleteCard(trx, orgId, row.id);
      await audit.record(trx, ctx, {
        action: 'billing.card_removed',
        orgId,
        target: { type: 'card', id: row.id },
        details: { brand: row.brand, last4: row.last4 },
      });
      return row;
    });
    await provider?.detach(removed.token);
  }

  return { add, get, find, remove };
}

export type Cards = ReturnType<typeof createCards>;
