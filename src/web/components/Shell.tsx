import { AppShell, Box, Burger, Button, Divider, Group, NavLink, ScrollArea, Text, em } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { type MouseEvent, type ReactNode, useEffect, useState } from 'react';
import { useLocation } from 'wouter';
import { toApiError } from '../api.ts';
import { useConsent } from '../lib/consent.tsx';
import { staffPagesFor } from '../lib/staffPages.ts';
import { homePath, isOrgAdmin, isStaff, useSession, useSignedIn } from '../session.tsx';
import { AppLink, isModifiedClick } from './AppLink.tsx';
import { GpcHonored } from './GpcHonored.tsx';
import { Logo } from './Logo.tsx';
import { OrgSwitcher } from './OrgSwitcher.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

const CONSOLE_NAV = [
  { to: '/console', label: 'Overview', exact: true },
  { to: '/console/users', label: 'Users' },
  { to: '/console/groups', label: 'Groups' },
  { to: '/console/resources', label: 'Resources' },
  { to: '/console/ldap', label: 'LDAP' },
  { to: '/console/api-clients', label: 'API clients' },
  { to: '/console/scim', label: 'Provisioning (SCIM)' },
  { to: '/console/domains', label: 'Domains' },
  { to: '/console/integrations', label: 'Integrations' },
  { to: '/console/email-change-requests', label: 'Email changes' },
  { to: '/console/support', label: 'Support' },
  { to: '/console/audit', label: 'Audit log' },
] as const;

function NavItem({ to, label, exact, onNavigate }: { to: string; label: string; exact?: boolean; onNavigate: () => void }) {
  const [location, navigate] = useLocation();
  const active = exact ? location === to : location === to || location.startsWith(`${to}/`);
  return (
    <NavLink
      component="a"
      href={to}
      label={label}
      active={active}
      aria-current={active ? 'page' : undefined}
      variant="light"
      onClick={(e: MouseEvent<HTMLAnchorElement>) => {
        if (isModifiedClick(e)) return;
        e.preventDefault();
        navigate(to);
        onNavigate();
      }}
    />
  );
}

/** The frame of every signed-in page: a header with the user's name and "Sign out"; for org admins, the console's navigation. */
export function Shell({ children }: { children: ReactNode }) {
  const { user } = useSignedIn();
  // PRV-5: while the browser sends Global Privacy Control, every page says it was honoured.
  const gpcHonored = useConsent().state?.gpc.honored ?? false;
  const { signOut } = useSession();
  const [location, navigate] = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const [signingOut, setSigningOut] = useState(false);
  const [signOutError, setSignOutError] = useState<string | null>(null);
  const staffNav = isStaff(user);
  const withNav = isOrgAdmin(user) || staffNav;
  // Below the sm breakpoint the navigation slides off-screen when closed; hide it from
  // keyboard and screen readers too, not only from sight.
  const small = useMediaQuery(`(max-width: ${em(767.98)})`, false, { getInitialValueInEffect: false });

  useEffect(() => close(), [location, close]);

  async function onSignOut() {
    setSigningOut(true);
    setSignOutError(null);
    try {
      await signOut();
      navigate('/sign-in', { replace: true });
    } catch (e) {
      setSignOutError(toApiError(e).detail);
      setSigningOut(false);
    }
  }

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={withNav ? { width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } } : undefined}
      padding={{ base: 'md', sm: 'lg' }}
    >
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap">
            {withNav && (
              <Burger
                opened={opened}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label="Navigation"
                aria-expanded={opened}
                aria-controls="console-nav"
              />
            )}
            <AppLink to={homePath(user)} underline="never" aria-label="Castellan">
              <Logo compact />
            </AppLink>
            <OrgSwitcher />
          </Group>
          <Group gap="sm" wrap="nowrap" miw={0}>
            {gpcHonored && (
              <Box visibleFrom="sm">
                <GpcHonored />
              </Box>
            )}
            <Text size="sm" fw={500} truncate="end" maw={{ base: 120, sm: 280 }} title={user.email}>
              {user.name}
            </Text>
            <Button variant="default" size="sm" onClick={onSignOut} loading={signingOut} style={{ flexShrink: 0 }}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      {withNav && (
        <AppShell.Navbar id="console-nav" p="sm" aria-label={staffNav ? 'Staff' : 'Console'} style={{ visibility: small && !opened ? 'hidden' : undefined }}>
          <AppShell.Section grow component={ScrollArea}>
            <Box>
              {staffNav
                ? staffPagesFor(user).map((item) => <NavItem key={item.to} to={item.to} label={item.label} exact={'exact' in item} onNavigate={close} />)
                : CONSOLE_NAV.map((item) => <NavItem key={item.to} to={item.to} label={item.label} exact={'exact' in item} onNavigate={close} />)}
              <Divider my="sm" />
              <NavItem to="/account" label="Account" exact onNavigate={close} />
              {!staffNav && <NavItem to="/account/privacy" label="Privacy" onNavigate={close} />}
              {!staffNav && <NavItem to="/account/data" label="My data" onNavigate={close} />}
            </Box>
          </AppShell.Section>
        </AppShell.Navbar>
      )}
      <AppShell.Main id="main" bg="var(--mantine-color-gray-0)">
        <Box maw={1100} mx="auto">
          {signOutError && (
            <Box mb="md">
              <ProblemAlert message={signOutError} />
            </Box>
          )}
          {children}
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}
