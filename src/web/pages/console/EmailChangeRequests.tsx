import { Badge, Button, Group, Modal, NativeSelect, Stack, Text, Textarea } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { type EmailChangeRequest, type EmailChangeRequestState, emailChangeRequestsApi } from '../../api/email-change-requests.ts';
import { toApiError } from '../../api.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useRequest } from '../../lib/forms.ts';
import { useSignedIn } from '../../session.tsx';

const REASON_MAX = 500;

const STATES: { value: EmailChangeRequestState | 'all'; label: string }[] = [
  { value: 'pending', label: 'Waiting for a decision' },
  { value: 'approved', label: 'Approved (link sent)' },
  { value: 'completed', label: 'Completed' },
  { value: 'denied', label: 'Denied' },
  { value: 'cancelled', label: 'Cancelled by the person' },
  { value: 'all', label: 'All' },
];

const BADGE: Record<EmailChangeRequestState, { color: string; label: string }> = {
  pending: { color: 'yellow', label: 'Pending' },
  approved: { color: 'blue', label: 'Approved' },
  completed: { color: 'teal', label: 'Completed' },
  denied: { color: 'red', label: 'Denied' },
  cancelled: { color: 'gray', label: 'Cancelled' },
};

function RequestRow({ item, onApprove, onDeny, busy }: { item: EmailChangeRequest; onApprove: () => void; onDeny: () => void; busy: boolean }) {
  const labelId = `email-change-${item.id}`;
  const badge = BADGE[item.state];
  return (
    <li data-testid="email-change-request" data-state={item.state} style={{ listStyle: 'none', padding: '12px 0', borderTop: '1px solid var(--mantine-color-gray-3)' }}>
      <Group justify="space-between" gap="sm" wrap="wrap" align="flex-start">
        <Stack gap={2} style={{ minWidth: 0, flex: '1 1 18rem' }} id={labelId}>
          <Group gap="xs">
            <Text fw={600}>{item.name}</Text>
            <Badge color={badge.color} variant="light">
              {badge.label}
            </Badge>
          </Group>
          <Text size="sm" style={{ wordBreak: 'break-all' }}>
            {item.currentEmail} → <strong>{item.newEmail}</strong>
          </Text>
          <Text size="xs" c="dimmed">
            asked {formatDateTime(item.createdAt)}
            {item.decidedAt ? ` · ${item.state === 'cancelled' ? 'cancelled' : 'decided'} ${formatDateTime(item.decidedAt)}` : ''}
          </Text>
          {item.reason && (
            <Text size="sm" c="dimmed">
              Reason: {item.reason}
            </Text>
          )}
        </Stack>
        {item.state === 'pending' && (
          <Group gap="xs">
            <Button size="xs" onClick={onApprove} loading={busy} aria-describedby={labelId}>
              Approve
            </Button>
            <Button size="xs" variant="light" color="red" onClick={onDeny} disabled={busy} aria-describedby={labelId}>
              Deny
            </Button>
          </Group>
        )}
      </Group>
    </li>
  );
}

function DenyModal({ item, onClose, onDenied }: { item: EmailChangeRequest | null; onClose: () => void; onDenied: () => void }) {
  const { user } = useSignedIn();
  const [reason, setReason] = useState('');
  const deny = useRequest();
  useEffect(() => {
    setReason('');
    deny.reset();
  }, [item, deny.reset]);

  async function submit() {
    if (!item) return;
    const r = await deny.run(() => emailChangeRequestsApi.deny(user.orgId ?? '', item.id, reason.trim()));
    if (r.ok || r.error.status === 409) onDenied();
  }

  return (
    <Modal opened={item !== null} onClose={deny.loading ? () => undefined : onClose} title="Deny the email change" centered>
      <Stack gap="md">
        <Text size="sm">
          {item?.name} keeps the address {item?.currentEmail}. They are told by email and on their account page, with your reason if you give one.
        </Text>
        <Textarea label="Reason (optional)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={REASON_MAX} autosize minRows={2} data-autofocus />
        <ProblemAlert message={deny.error?.detail} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={deny.loading}>
            Cancel
          </Button>
          <Button color="red" onClick={submit} loading={deny.loading}>
            Deny the change
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * GOV-4: the email changes of the accounts the organization administers. An approval sends the usual
 * link to the new address (the change happens when it is opened); a denial keeps the address. The
 * person is told either way.
 */
export default function EmailChangeRequestsPage() {
  const { user } = useSignedIn();
  const orgId = user.orgId ?? '';
  const [state, setState] = useState<EmailChangeRequestState | 'all'>('pending');
  const [items, setItems] = useState<EmailChangeRequest[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [denying, setDenying] = useState<EmailChangeRequest | null>(null);
  const [approvingId, setApprovingId] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const approve = useRequest();

  const load = useCallback(
    (cursor: string | null) => {
      emailChangeRequestsApi
        .list(orgId, { ...(state === 'all' ? {} : { state }), cursor })
        .then((page) => {
          setItems((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
          setNextCursor(page.nextCursor);
          setLoadError(null);
        })
        .catch((e: unknown) => setLoadError(toApiError(e).detail));
    },
    [orgId, state],
  );
  useEffect(() => {
    setItems(null);
    load(null);
  }, [load]);

  async function approveOne(item: EmailChangeRequest) {
    setDone(null);
    setApprovingId(item.id);
    const r = await approve.run(() => emailChangeRequestsApi.approve(orgId, item.id));
    setApprovingId(null);
    if (r.ok) setDone(`Approved: a link went to ${item.newEmail}; the address changes when ${item.name} opens it.`);
    if (r.ok || r.error.status === 409) load(null);
  }

  return (
    <>
      <PageHeader title="Email changes" description="People whose accounts your organization administers change their email address only with an admin's approval." />
      <Stack gap="lg">
        <Section title="Requests" description="Approving sends a confirmation link to the new address: the change happens once the person opens it. Denying keeps the current address.">
          <NativeSelect label="Show" data={STATES} value={state} onChange={(e) => setState(e.currentTarget.value as EmailChangeRequestState | 'all')} w={{ base: '100%', sm: 280 }} />
          {done && (
            <Text c="teal.8" role="status">
              {done}
            </Text>
          )}
          <ProblemAlert message={loadError ?? approve.error?.detail} />
          {items === null && !loadError && <PageLoader label="Loading email changes…" minHeight={60} />}
          {items !== null && (
            <>
              <ul data-testid="email-change-requests" aria-label="Email change requests" style={{ margin: 0, padding: 0 }}>
                {items.map((item) => (
                  <RequestRow
                    key={item.id}
                    item={item}
                    busy={approvingId === item.id}
                    onApprove={() => void approveOne(item)}
                    onDeny={() => {
                      setDone(null);
                      setDenying(item);
                    }}
                  />
                ))}
              </ul>
              {items.length === 0 && <Text c="dimmed">{state === 'pending' ? 'No email change is waiting for a decision.' : 'No email change here.'}</Text>}
              {nextCursor && (
                <Group>
                  <Button variant="default" onClick={() => load(nextCursor)}>
                    Show more
                  </Button>
                </Group>
              )}
            </>
          )}
        </Section>
      </Stack>
      <DenyModal
        item={denying}
        onClose={() => setDenying(null)}
        onDenied={() => {
          setDone(denying ? `Denied: ${denying.name} keeps ${denying.currentEmail}.` : null);
          setDenying(null);
          load(null);
        }}
      />
    </>
  );
}
