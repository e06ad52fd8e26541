import { Button, Group, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { privacyDeskApi } from '../../api/privacy-desk.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { splitErrors, useRequest } from '../../lib/forms.ts';

/**
 * /privacy/report-child: anyone reports an account they believe belongs to a child under 16
 * (DSR-8). No account is needed; the answer is the same whatever the address.
 */
export default function ReportChildPage() {
  const [accountEmail, setAccountEmail] = useState('');
  const [details, setDetails] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['accountEmail', 'details']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await run(() => privacyDeskApi.reportChildAccount(accountEmail.trim(), details.trim()));
    if (r.ok) setSent(r.value.id);
  }

  if (sent) {
    return (
      <PublicLayout title="Thank you" documentTitle="Report a child's account">
        <Text role="status">{`We received your report (reference ${sent}). Our privacy team reviews every report; if the account belongs to a child under 16, we stop sharing its data at once and delete it.`}</Text>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout title="Report a child's account" documentTitle="Report a child's account" width={560}>
      <Stack gap="md">
        <Text size="sm">Castellan is not for children under 16. If you believe an account belongs to one, tell us: you do not need an account.</Text>
        <form onSubmit={submit} noValidate aria-label="Report a child's account">
          <Stack gap="md">
            <ProblemAlert message={errors.alert} />
            <TextInput label="The account's email address" type="email" required value={accountEmail} onChange={(e) => setAccountEmail(e.currentTarget.value)} error={errors.field('accountEmail')} />
            <Textarea label="Why you believe a child holds it" required autosize minRows={3} maxLength={4000} value={details} onChange={(e) => setDetails(e.currentTarget.value)} error={errors.field('details')} />
            <Group justify="flex-end">
              <Button type="submit" loading={loading}>
                Send the report
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </PublicLayout>
  );
}
