import { Badge, Button, Group, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type DeskTicket, type SupportVerification, type VerificationAction, type VerifiedAccount, api } from '../../api.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { WHOLE } from '../../components/DirectoryBadges.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';

const ACTION_LABELS: Record<VerificationAction, string> = {
  disclose_account: 'Disclose account information',
  delete_account: 'Delete the account',
};

const STATUS: Record<SupportVerification['status'], { label: string; color: string }> = {
  pending: { label: 'Waiting for the admin', color: 'orange' },
  confirmed: { label: 'Confirmed by the admin', color: 'teal' },
  used: { label: 'Done', color: 'gray' },
  expired: { label: 'Expired', color: 'gray' },
};

function AccountCard({ account }: { account: VerifiedAccount }) {
  const rows: Array<[string, string]> = [
    ['Name', account.name],
    ['Email', account.email],
    ['Status', account.status],
    ['Role in the organization', account.orgRole ?? '—'],
    ['Created', formatDateTime(account.createdAt)],
    ...(account.lastSignInAt !== undefined ? [['Last sign-in', account.lastSignInAt ? formatDateTime(account.lastSignInAt) : 'Never'] as [string, string]] : []),
  ];
  return (
    <Paper withBorder radius="md" p="md" data-testid="verified-account">
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
        {rows.map(([label, value]) => (
          <Stack key={label} gap={0}>
            <Text size="xs" c="dimmed">
              {label}
            </Text>
            <Text style={{ overflowWrap: 'anywhere' }}>{value}</Text>
          </Stack>
        ))}
      </SimpleGrid>
    </Paper>
  );
}

function RequestForm({ ticketId, onRequested }: { ticketId: string; onRequested: () => void }) {
  const [action, setAction] = useState<VerificationAction>('disclose_account');
  const [userId, setUserId] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['action', 'userId', 'email']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const account = userId.trim();
    if (!account) return setMissing('Enter the email address or the id of the account the admin asked about.');
    setMissing(null);
    const result = await run(() => api.requestVerification(ticketId, account.includes('@') ? { action, email: account } : { action, userId: account }));
    if (result.ok) {
      setUserId('');
      onRequested();
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Ask the admin to verify">
      <Stack gap="sm">
        <ProblemAlert message={errors.alert} />
        <Group align="flex-start" gap="md" wrap="wrap">
          <NativeSelect
            label="Action"
            data={(Object.keys(ACTION_LABELS) as VerificationAction[]).map((a) => ({ value: a, label: ACTION_LABELS[a] }))}
            value={action}
            onChange={(e) => setAction(e.currentTarget.value as VerificationAction)}
            error={errors.field('action')}
            w={{ base: '100%', xs: 280 }}
          />
          <TextInput
            label="Account"
            description="The email address or id of the account the admin asked about, in their organization."
            value={userId}
            onChange={(e) => setUserId(e.currentTarget.value)}
            error={missing ?? errors.field('userId') ?? errors.field('email')}
            w={{ base: '100%', xs: 300 }}
          />
        </Group>
        <Group>
          <Button type="submit" variant="light" loading={loading}>
            Ask the admin to verify
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function VerificationRow({ ticketId, v, onChanged }: { ticketId: string; v: SupportVerification; onChanged: (notice: string) => void }) {
  const [account, setAccount] = useState<VerifiedAccount | null>(null);
  const [confirming, setConfirming] = useState(false);
  const viewing = useRequest();
  const deleting = useRequest();

  async function view() {
    const result = await viewing.run(() => api.verifiedAccount(ticketId, v.id));
    if (result.ok) setAccount(result.value);
  }

  async function remove() {
    const result = await deleting.run(() => api.deleteVerifiedAccount(ticketId, v.id));
    if (result.ok) {
      setConfirming(false);
      onChanged('The account was deleted.');
    }
  }

  const status = STATUS[v.status];
  return (
    <Table.Tr>
      <Table.Td>{ACTION_LABELS[v.action]}</Table.Td>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>{v.userId}</Table.Td>
      <Table.Td>
        <Badge color={status.color} variant="light" style={WHOLE}>
          {status.label}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{`Asked ${formatDateTime(v.createdAt)}`}</Text>
        {v.confirmedAt && <Text size="sm">{`Confirmed ${formatDateTime(v.confirmedAt)}`}</Text>}
      </Table.Td>
      <Table.Td style={{ minWidth: 240 }}>
        {v.status === 'confirmed' && v.action === 'disclose_account' && !account && (
          <Stack gap={2} align="flex-start">
            <Button size="xs" variant="light" onClick={() => void view()} loading={viewing.loading}>
              Show the account
            </Button>
            <Text size="xs" c="dimmed">
              Once only: the confirmation is used up when the account is shown.
            </Text>
          </Stack>
        )}
        {v.status === 'confirmed' && v.action === 'delete_account' && (
          <Button size="xs" variant="light" color="red" onClick={() => setConfirming(true)}>
            Delete the account
          </Button>
        )}
        <ProblemAlert message={viewing.error?.detail} />
        {account && <AccountCard account={account} />}
        <ConfirmModal
          opened={confirming}
          title="Delete the account?"
          confirmLabel="Delete the account"
          onCancel={() => setConfirming(false)}
          onConfirm={() => void remove()}
          loading={deleting.loading}
          error={deleting.error?.detail}
        >
          <Text>{`The account ${v.userId} is deleted as its organization's admin confirmed. This cannot be undone.`}</Text>
        </ConfirmModal>
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * SUP-6: staff disclose or delete an account only after the admin who opened
 * the ticket confirmed that very request (an emailed link and their password).
 * The server enforces it; this page only asks and then acts.
 */
export function DeskVerifications({ ticket, onChanged }: { ticket: DeskTicket; onChanged: (notice: string) => void }) {
  return (
    <Section
      title="Account requests"
      description="To disclose account information or delete an account, ask the admin who opened the ticket to confirm: they get an email and confirm with their password. Passwords are never shown to or set by staff."
    >
      {ticket.verifications.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="xs" data-testid="verifications">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Action</Table.Th>
                <Table.Th scope="col">Account</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">When</Table.Th>
                <Table.Th scope="col">Next step</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {ticket.verifications.map((v) => (
                <VerificationRow key={v.id} ticketId={ticket.id} v={v} onChanged={onChanged} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <RequestForm ticketId={ticket.id} onRequested={() => onChanged('The admin was asked to confirm by email.')} />
    </Section>
  );
}
