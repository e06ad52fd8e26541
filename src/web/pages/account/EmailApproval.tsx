import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { type EmailChangeApproval, emailChangeRequestsApi } from '../../api/email-change-requests.ts';
import { api } from '../../api.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useRequest } from '../../lib/forms.ts';

/**
 * GOV-4: the person's change of address waiting for the approval of the organization that
 * administers their account, with a way to withdraw it. Shows nothing when none waits; `version`
 * changes when the section asked for a new one.
 */
export function EmailApprovalStatus({ version }: { version: number }) {
  const [approval, setApproval] = useState<EmailChangeApproval>(null);
  const [cancelled, setCancelled] = useState(false);
  const cancel = useRequest();

  const load = useCallback(() => {
    api
      .emailChangeStatus()
      .then((s) => setApproval(s.approval))
      .catch(() => setApproval(null));
  }, []);
  useEffect(() => {
    setCancelled(false);
    load();
  }, [load, version]);

  async function withdraw() {
    const r = await cancel.run(() => emailChangeRequestsApi.cancelMine());
    if (r.ok || r.error.status === 404) {
      setCancelled(true);
      load();
    }
  }

  if (cancelled && !approval)
    return (
      <Text size="sm" c="teal.8" role="status">
        Your request was withdrawn; your address stays as it is.
      </Text>
    );
  if (!approval) return null;
  return (
    <Alert color="yellow" title="Email change pending approval" data-testid="email-change-approval">
      <Stack gap="xs">
        <Text size="sm">
          Your change of address is pending approval by {approval.orgName}, which administers your account (asked {formatDateTime(approval.createdAt)}). We will tell you when its admins decide; if they approve, a link goes to the new address.
        </Text>
        <ProblemAlert message={cancel.error?.detail} />
        <Group>
          <Button size="xs" variant="light" color="red" onClick={withdraw} loading={cancel.loading}>
            Cancel the request
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
