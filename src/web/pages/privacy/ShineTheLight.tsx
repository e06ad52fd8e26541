import { Alert, Button, Group, List, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { type PrivacyRequest, type ShineTheLightForm, privacyDeskApi } from '../../api/privacy-desk.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { formatDate } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';

const STATEMENT = 'Your California Privacy Rights';
const FIELDS = ['email', 'statement', 'siteName', 'name', 'street', 'city', 'state', 'zip'] as const;
const LABELS: Record<string, string> = { statement: 'the statement', siteName: 'the site name', name: 'your name', street: 'street address', city: 'city', state: 'state', zip: 'zip code' };

/**
 * /privacy/shine-the-light: "Your California Privacy Rights" (DSR-7). The form carries what the law
 * asks for; the answer (last year's direct-marketing third parties) goes by mail to the address given.
 */
export default function ShineTheLightPage() {
  const [form, setForm] = useState<ShineTheLightForm>({ email: '', statement: STATEMENT, siteName: '', name: '', street: '', city: '', state: 'CA', zip: '' });
  const [done, setDone] = useState<PrivacyRequest | null>(null);
  const { loading, error, run } = useRequest();
  useEffect(() => {
    api.publicConfig().then(
      (c) => setForm((f) => (f.siteName ? f : { ...f, siteName: c.siteName })),
      () => {},
    );
  }, []);
  // The server names what is missing (`missing`, `invalid`): show it next to each field too.
  const named = [...((error?.extensions.missing as string[] | undefined) ?? []), ...((error?.extensions.invalid as string[] | undefined) ?? [])];
  const errors = splitErrors(error, FIELDS);
  const fieldError = (f: (typeof FIELDS)[number]) => errors.field(f) ?? (named.includes(f) ? `Give ${LABELS[f] ?? f}.` : undefined);
  const set = (field: keyof ShineTheLightForm) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setForm((f) => ({ ...f, [field]: value }));
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await run(() => privacyDeskApi.shineTheLight(form));
    if (r.ok) setDone(r.value);
  }

  if (done) {
    return (
      <PublicLayout title="Request received" documentTitle="Your California Privacy Rights" width={640}>
        <Stack gap="sm" role="status">
          <Text>{`We received your request (reference ${done.id}) and sent our answer to ${form.email}.`}</Text>
          <Text size="sm" c="dimmed">{`It lists the third parties that received your personal information for their own direct marketing in the preceding calendar year. We answer within 30 days: by ${formatDate(done.dueAt)} at the latest.`}</Text>
        </Stack>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout title={STATEMENT} documentTitle={STATEMENT} width={640}>
      <Stack gap="md">
        <Text size="sm">
          If you live in California, you may ask which third parties received your personal information for their own direct marketing purposes in the preceding calendar year (California Civil
          Code § 1798.83). We answer by email, to the address you give, within 30 days.
        </Text>
        <Alert variant="light" color="gray" title="We do not take these requests by telephone, mail or fax">
          Use this form, or write to our privacy address with the same details. For a copy of your data, a deletion or an opt-out, <AppLink to="/privacy/requests/new">make a privacy request</AppLink>.
        </Alert>
        <form onSubmit={submit} noValidate aria-label={STATEMENT}>
          <Stack gap="md">
            <ProblemAlert message={errors.alert} />
            <TextInput label="Statement" description={`Keep the words "${STATEMENT}"`} required value={form.statement} onChange={set('statement')} error={fieldError('statement')} />
            <TextInput label="Site name" required value={form.siteName} onChange={set('siteName')} error={fieldError('siteName')} />
            <TextInput label="Your name" required autoComplete="name" value={form.name} onChange={set('name')} error={fieldError('name')} />
            <TextInput label="Email address" description="The answer goes here" type="email" required autoComplete="email" value={form.email} onChange={set('email')} error={fieldError('email')} />
            <TextInput label="Street address" required autoComplete="street-address" value={form.street} onChange={set('street')} error={fieldError('street')} />
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
              <TextInput label="City" required autoComplete="address-level2" value={form.city} onChange={set('city')} error={fieldError('city')} />
              <TextInput label="State" required autoComplete="address-level1" value={form.state} onChange={set('state')} error={fieldError('state')} />
              <TextInput label="Zip code" required autoComplete="postal-code" value={form.zip} onChange={set('zip')} error={fieldError('zip')} />
            </SimpleGrid>
            {named.length > 0 && (
              <List size="sm" c="red.8" aria-label="What the request lacks">
                {named.map((f) => (
                  <List.Item key={f}>{LABELS[f] ?? f}</List.Item>
                ))}
              </List>
            )}
            <Group justify="flex-end">
              <Button type="submit" loading={loading}>
                Send the request
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </PublicLayout>
  );
}
