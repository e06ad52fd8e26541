import { NativeSelect } from '@mantine/core';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { homePath, useSession, useSignedIn } from '../session.tsx';

/**
 * DIR-1: a person who belongs to several organizations picks the one in view. Only shown when
 * there is a choice; suspended memberships are left out (they may use nothing there).
 */
export function OrgSwitcher() {
  const { organization, memberships } = useSignedIn();
  const { switchOrganization } = useSession();
  const [, navigate] = useLocation();
  const [busy, setBusy] = useState(false);
  const choices = memberships.filter((m) => m.status === 'active');
  if (choices.length < 2 || !organization) return null;
  return (
    <NativeSelect
      aria-label="Organization"
      size="sm"
      disabled={busy}
      value={organization.id}
      data={choices.map((m) => ({ value: m.orgId, label: m.organization.name }))}
      onChange={async (e) => {
        const orgId = e.currentTarget.value;
        setBusy(true);
        try {
          await switchOrganization(orgId);
          // The pages of one organization name its objects: start again from the new one's home.
          const next = choices.find((m) => m.orgId === orgId);
          navigate(next?.orgRole === 'admin' ? '/console' : homePath({ kind: 'user', orgRole: next?.orgRole ?? null }));
        } finally {
          setBusy(false);
        }
      }}
      maw={{ base: 140, sm: 240 }}
    />
  );
}
