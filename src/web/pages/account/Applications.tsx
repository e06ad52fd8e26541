import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { type MyApplication, api } from '../../api.ts';
import { PageLoader } from '../../components/PageLoader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { useRequest } from '../../lib/forms.ts';

const PROTOCOL: Record<MyApplication['protocol'], string> = { oidc: 'OpenID Connect', saml: 'SAML' };

function ApplicationRow({ app, showOrg }: { app: MyApplication; showOrg: boolean }) {
  const labelId = `application-${app.resourceId}`;
  return (
    <li style={{ listStyle: 'none', padding: '12px 0', borderTop: '1px solid var(--mantine-color-gray-3)' }}>
      <Group justify="space-between" align="center" wrap="wrap" gap="sm">
        <Stack gap={2} id={labelId} style={{ minWidth: 0, flex: '1 1 16rem' }}>
          <Group gap="xs">
            <Text fw={500}>{app.name}</Text>
            <Badge variant="light" color="gray">
              {PROTOCOL[app.protocol]}
            </Badge>
          </Group>
          {showOrg && (
            <Text size="sm" c="dimmed">
              {app.orgName}
            </Text>
          )}
        </Stack>
        {app.launchUrl ? (
          // A full page load: the application's sign-in (IdP-initiated SAML, or the client's own login start) is not a page of this app.
          <Button component="a" href={app.launchUrl} variant="light" size="sm" aria-describedby={labelId}>
            Open
          </Button>
        ) : (
          <Text size="sm" c="dimmed">
            Sign in from the application itself.
          </Text>
        )}
      </Group>
    </li>
  );
}

/**
 * PRO-2, PRO-5: the user portal. The applications the person may use (the server asks the one
 * access decision for each), in every organization where they are an active member.
 */
export function ApplicationsSection() {
  const [items, setItems] = useState<MyApplication[] | null>(null);
  const { error, run, loading } = useRequest();
  const fetchApps = run;
  const load = useCallback(() => {
    void fetchApps(() => api.myApplications()).then((r) => {
      if (r.ok) setItems(r.value.items);
    });
  }, [fetchApps]);
  useEffect(() => load(), [load]);
  const orgs = new Set(items?.map((a) => a.orgId));

  return (
    <Section title="Applications" description="The applications your organizations let you sign in to with this account.">
      {error && (
        <Stack gap="sm" align="flex-start">
          <ProblemAlert message={error.detail} />
          <Button variant="default" onClick={load} loading={loading}>
            Try again
          </Button>
        </Stack>
      )}
      {items === null && !error && <PageLoader label="Loading applications…" minHeight={80} />}
      {items !== null && items.length === 0 && (
        <Text size="sm" c="dimmed">
          No application yet. When an administrator of your organization gives you access to one, it appears here.
        </Text>
      )}
      {items !== null && items.length > 0 && (
        <ul data-testid="applications" aria-label="Applications" style={{ margin: 0, padding: 0 }}>
          {items.map((a) => (
            <ApplicationRow key={`${a.orgId}:${a.resourceId}`} app={a} showOrg={orgs.size > 1} />
          ))}
        </ul>
      )}
    </Section>
  );
}
