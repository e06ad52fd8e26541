import { Anchor, Box, Button, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { type Card, type PublicConfig, api, toApiError } from '../../api.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { formatDate } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useSession, useSignedIn } from '../../session.tsx';

const BRANDS: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover' };
const MONTHS = Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(2, '0'));
const thisYear = new Date().getFullYear();
const YEARS = Array.from({ length: 16 }, (_, i) => String(thisYear + i));

const describeCard = (c: Card) => `${BRANDS[c.brand] ?? c.brand} ending in ${c.last4}, expires ${String(c.expMonth).padStart(2, '0')}/${c.expYear}`;

/**
 * PRV-10: the number and CVC live only in this form's state until they are
 * sent; they are cleared once the server has answered, and never stored by the page.
 */
function CardForm({ orgId, replacing, onSaved }: { orgId: string; replacing: boolean; onSaved: (c: Card) => void }) {
  const [holderName, setHolderName] = useState('');
  const [number, setNumber] = useState('');
  const [expMonth, setExpMonth] = useState(MONTHS[0] ?? '01');
  const [expYear, setExpYear] = useState(YEARS[1] ?? String(thisYear + 1));
  const [cvc, setCvc] = useState('');
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['holderName', 'number', 'expMonth', 'expYear', 'cvc']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await run(() =>
      api.setCard(orgId, { holderName: holderName.trim(), number: number.replace(/[\s-]/g, ''), cvc: cvc.trim(), expMonth: Number(expMonth), expYear: Number(expYear) }),
    );
    setNumber('');
    setCvc('');
    if (result.ok) {
      setHolderName('');
      onSaved(result.value);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label={replacing ? 'Replace the card' : 'Add a card'}>
      <Stack gap="sm">
        <ProblemAlert message={errors.alert} />
        <TextInput label="Name on the card" autoComplete="cc-name" value={holderName} onChange={(e) => setHolderName(e.currentTarget.value)} error={errors.field('holderName')} maw={420} />
        <TextInput
          label="Card number"
          autoComplete="cc-number"
          inputMode="numeric"
          value={number}
          onChange={(e) => setNumber(e.currentTarget.value)}
          error={errors.field('number')}
          maw={420}
        />
        <Group align="flex-start" gap="md">
          <NativeSelect label="Expiry month" autoComplete="cc-exp-month" data={MONTHS} value={expMonth} onChange={(e) => setExpMonth(e.currentTarget.value)} error={errors.field('expMonth')} w={120} />
          <NativeSelect label="Expiry year" autoComplete="cc-exp-year" data={YEARS} value={expYear} onChange={(e) => setExpYear(e.currentTarget.value)} error={errors.field('expYear')} w={120} />
          <TextInput label="Security code (CVC)" autoComplete="cc-csc" inputMode="numeric" value={cvc} onChange={(e) => setCvc(e.currentTarget.value)} error={errors.field('cvc')} w={170} />
        </Group>
        <Text size="xs" c="dimmed">
          The number and security code go to the payment provider; Castellan keeps only the brand, the last 4 digits, the name and the expiry. With the built-in test provider, use 4242 4242 4242 4242.
        </Text>
        <Group>
          <Button type="submit" loading={loading}>
            {replacing ? 'Replace card' : 'Add card'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** PRV-10, DIR-4: the card on file; adding one moves a free organization to the paid plan. */
function Billing({ orgId }: { orgId: string }) {
  const { refresh } = useSession();
  const [card, setCard] = useState<Card | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const removal = useRequest();

  useEffect(() => {
    let live = true;
    // GET …/billing answers null when there is no card: the console never asks for one that does not exist.
    api.getBilling(orgId).then(
      (b) => live && setCard(b.card),
      (e: unknown) => live && setLoadError(toApiError(e).detail),
    );
    return () => {
      live = false;
    };
  }, [orgId]);

  async function remove() {
    const result = await removal.run(() => api.removeCard(orgId));
    if (result.ok) {
      setCard(null);
      setConfirming(false);
      setNotice('The card was removed. Your plan has not changed.');
    }
  }

  return (
    <Section title="Billing" description="Adding a card moves an organization on the free plan to the paid plan, which has no user limit.">
      {loadError ? (
        <ProblemAlert message={loadError} />
      ) : card === undefined ? (
        <PageLoader minHeight={80} />
      ) : (
        <Stack gap="md">
          {notice && (
            <Text c="teal.8" role="status">
              {notice}
            </Text>
          )}
          {card ? (
            <Group justify="space-between" align="center">
              <Stack gap={2}>
                <Text fw={600} data-testid="card-on-file">
                  {describeCard(card)}
                </Text>
                <Text size="sm" c="dimmed">
                  {card.holderName}, added on {formatDate(card.addedAt)}
                </Text>
              </Stack>
              <Button variant="light" color="red" onClick={() => setConfirming(true)}>
                Remove card
              </Button>
            </Group>
          ) : (
            <Text c="dimmed">No card on file.</Text>
          )}
          <CardForm
            orgId={orgId}
            replacing={card !== null}
            onSaved={(c) => {
              setCard(c);
              setNotice(`Saved: ${describeCard(c)}.`);
              refresh().catch(() => undefined);
            }}
          />
        </Stack>
      )}
      <ConfirmModal
        opened={confirming}
        title="Remove the card?"
        confirmLabel="Remove card"
        onCancel={() => setConfirming(false)}
        onConfirm={() => void remove()}
        loading={removal.loading}
        error={removal.error?.detail}
      >
        <Text>The card is removed and detached at the payment provider. Your plan does not change.</Text>
      </ConfirmModal>
    </Section>
  );
}

/**
 * DIR-4: no payment provider takes cards here (CASTELLAN_PAYMENT_PROVIDER=none), so no card form:
 * the plan changes through the operator's billing staff, at the address the operator configured.
 */
function UpgradeByContact({ config }: { config: PublicConfig }) {
  const { organization } = useSignedIn();
  const contact = config.billing.contact;
  const subject = `Plan for ${organization?.name ?? 'our organization'}`;
  const body = `Organization: ${organization?.name ?? ''}\nOrganization id: ${organization?.id ?? ''}\n\nWe would like to move to: `;
  return (
    <Section title="Billing" description={`The free plan allows ${config.billing.freeUserLimit} users; the paid plan and a jumpstart trial have no user limit.`}>
      <Stack gap="xs" data-testid="billing-contact">
        <Text>
          {config.siteName} does not take cards online. To change your plan, write to{' '}
          <Anchor href={`mailto:${contact}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`}>{contact}</Anchor> and name your
          organization; billing staff change the plan, and the change shows here.
        </Text>
        {organization && (
          <Text size="sm" c="dimmed">
            Your organization: {organization.name} (id {organization.id})
          </Text>
        )}
      </Stack>
    </Section>
  );
}

/** The console home's billing section: the organization's card on file, or how to change plan when no card is taken. */
export default function BillingSection() {
  const { user } = useSignedIn();
  const [config, setConfig] = useState<PublicConfig | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.publicConfig().then(
      (c) => live && setConfig(c),
      (e: unknown) => live && setError(toApiError(e).detail),
    );
    return () => {
      live = false;
    };
  }, []);
  return (
    <Box mt="lg">
      {error ? (
        <ProblemAlert message={error} />
      ) : !config ? (
        <PageLoader minHeight={80} />
      ) : config.billing.cards ? (
        <Billing orgId={user.orgId ?? ''} />
      ) : (
        <UpgradeByContact config={config} />
      )}
    </Box>
  );
}
