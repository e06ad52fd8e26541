import { Group, Paper, Stack, Text } from '@mantine/core';
import { Suspense, lazy } from 'react';
import { Redirect, Route, Switch } from 'wouter';
import { AppLink } from '../components/AppLink.tsx';
import { StaffMfaNotice } from '../components/StaffMfaNotice.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { PolicyNotice } from '../components/PolicyNotice.tsx';
import { Shell } from '../components/Shell.tsx';
import { VerifyEmailNotice } from '../components/VerifyEmailNotice.tsx';
import type { User } from '../api.ts';
import { formatDate } from '../lib/format.ts';
import { homePath, isOrgAdmin, isStaff, useSignedIn } from '../session.tsx';

const AccountPage = lazy(() => import('./Account.tsx'));
const AccountPrivacyPage = lazy(() => import('./account/Privacy.tsx'));
const AuditLogPage = lazy(() => import('./AuditLog.tsx'));
const UsersPage = lazy(() => import('./console/Users.tsx'));
const UserDetailPage = lazy(() => import('./console/UserDetail.tsx'));
const GroupsPage = lazy(() => import('./console/Groups.tsx'));
const GroupDetailPage = lazy(() => import('./console/GroupDetail.tsx'));
const ResourcesPage = lazy(() => import('./console/Resources.tsx'));
const ResourceDetailPage = lazy(() => import('./console/ResourceDetail.tsx'));
const BillingSection = lazy(() => import('./console/Billing.tsx'));
const SupportPage = lazy(() => import('./console/Support.tsx'));
const SupportNewPage = lazy(() => import('./console/SupportNew.tsx'));
const SupportTicketPage = lazy(() => import('./console/SupportTicket.tsx'));
const DeskPage = lazy(() => import('./staff/Desk.tsx'));
const DeskTicketPage = lazy(() => import('./staff/DeskTicket.tsx'));
const DisclosuresPage = lazy(() => import('./staff/Disclosures.tsx'));
const PublishPolicyPage = lazy(() => import('./staff/PublishPolicy.tsx'));
const SupportSettingsPage = lazy(() => import('./staff/SupportSettings.tsx'));
const KbArticlesPage = lazy(() => import('./staff/KbArticles.tsx'));
const KbArticleEditPage = lazy(() => import('./staff/KbArticleEdit.tsx'));
const KbVersionsPage = lazy(() => import('./staff/KbVersions.tsx'));
const PlansPage = lazy(() => import('./staff/Plans.tsx'));

/** PRV-9: the staff roles that read the disclosure ledger (the server decides; this only hides what would be refused). */
const readsLedger = (user: User) => user.kind === 'staff' && (user.staffRole === 'owner' || user.staffRole === 'privacy');
/** PRV-8: the staff roles that publish privacy policy versions (again, the server decides). */
const publishesPolicy = (user: User) => user.kind === 'staff' && (user.staffRole === 'owner' || user.staffRole === 'privacy');
/** SUP-1..SUP-6: the staff roles that work the support desk (again, the server decides). */
const worksDesk = (user: User) => user.kind === 'staff' && (user.staffRole === 'owner' || user.staffRole === 'support');
/** DIR-4: the staff roles that set organizations' plans (again, the server decides). */
const setsPlans = (user: User) => user.kind === 'staff' && (user.staffRole === 'owner' || user.staffRole === 'billing');
/** SUP-7: the staff roles that write the knowledge base (again, the server decides). */
const writesKb = (user: User) => user.kind === 'staff' && (user.staffRole === 'owner' || user.staffRole === 'support');

const PLANS: Record<string, string> = {
  free: 'Up to 10 users, at no cost.',
  paid: 'No user limit.',
  jumpstart: 'No user limit while the trial lasts.',
};

function ConsoleHome() {
  const { user, organization } = useSignedIn();
  if (!organization) return <PageHeader title="Console" description="Your organization could not be loaded." />;
  return (
    <>
      <PageHeader title={organization.name} documentTitle="Console" />
      <VerifyEmailNotice consequence="Until then, some parts of the console, such as the audit log, stay closed." />
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <Stack gap="xs">
          <Group gap="sm">
            <Text fw={600} fz="lg">
              {`Plan: ${organization.plan}`}
            </Text>
          </Group>
          {PLANS[organization.plan] && <Text c="dimmed">{PLANS[organization.plan]}</Text>}
          <Text size="sm" c="dimmed">
            Created on {formatDate(organization.createdAt)}. You are signed in as {user.email}, an administrator of this
            organization.
          </Text>
        </Stack>
      </Paper>
      <BillingSection />
    </>
  );
}

function StaffHome() {
  const { user } = useSignedIn();
  return (
    <>
      <PageHeader title="Staff home" description={`Signed in as ${user.email}.`} />
      <StaffMfaNotice user={user} />
      <Paper withBorder radius="md" p="lg">
        <Stack gap="sm">
          <Text fw={500}>Role: {user.staffRole ?? 'none'}</Text>
          {worksDesk(user) && <AppLink to="/staff/support">Support desk</AppLink>}
          {writesKb(user) && <AppLink to="/staff/kb">Knowledge base</AppLink>}
          {readsLedger(user) && <AppLink to="/staff/privacy/disclosures">Disclosure ledger</AppLink>}
          {setsPlans(user) && <AppLink to="/staff/plans">Plans</AppLink>}
          {publishesPolicy(user) && <AppLink to="/staff/privacy/policies">Privacy policy versions</AppLink>}
          <AppLink to="/account">Your account settings</AppLink>
        </Stack>
      </Paper>
    </>
  );
}

function InnerNotFound() {
  const { user } = useSignedIn();
  return (
    <>
      <PageHeader title="Page not found" />
      <Text>
        There is no page at this address. <AppLink to={homePath(user)}>Go to your home page</AppLink>
      </Text>
    </>
  );
}

function ConsoleRoutes() {
  return (
    <Switch>
      <Route path="/console">
        <ConsoleHome />
      </Route>
      <Route path="/console/users">
        <UsersPage />
      </Route>
      <Route path="/console/users/:id">{(params) => <UserDetailPage key={params.id} id={params.id} />}</Route>
      <Route path="/console/groups">
        <GroupsPage />
      </Route>
      <Route path="/console/groups/:id">{(params) => <GroupDetailPage key={params.id} id={params.id} />}</Route>
      <Route path="/console/resources">
        <ResourcesPage />
      </Route>
      <Route path="/console/resources/:id">{(params) => <ResourceDetailPage key={params.id} id={params.id} />}</Route>
      <Route path="/console/support">
        <SupportPage />
      </Route>
      <Route path="/console/support/new">
        <SupportNewPage />
      </Route>
      <Route path="/console/support/:ticketId">{(params) => <SupportTicketPage key={params.ticketId} ticketId={params.ticketId} />}</Route>
      <Route path="/console/audit">
        <AuditLogPage />
      </Route>
      <Route>
        <InnerNotFound />
      </Route>
    </Switch>
  );
}

/** Every page behind sign-in, in one shell; the wrong kind of user is sent to their own home. */
export default function SignedInArea() {
  const { user } = useSignedIn();
  return (
    <Shell>
      <PolicyNotice />
      <Suspense fallback={<PageLoader minHeight="40vh" />}>
        <Switch>
          <Route path="/account">
            <AccountPage />
          </Route>
          <Route path="/account/privacy">
            <AccountPrivacyPage />
          </Route>
          <Route path="/staff">{isStaff(user) ? <StaffHome /> : <Redirect to={homePath(user)} replace />}</Route>
          <Route path="/staff/privacy/disclosures">{readsLedger(user) ? <DisclosuresPage /> : <Redirect to={homePath(user)} replace />}</Route>
          <Route path="/staff/support">{worksDesk(user) ? <DeskPage /> : <Redirect to={homePath(user)} replace />}</Route>
          <Route path="/staff/support/settings">{worksDesk(user) ? <SupportSettingsPage /> : <Redirect to={homePath(user)} replace />}</Route>
          <Route path="/staff/support/:ticketId">
            {(params) => (worksDesk(user) ? <DeskTicketPage key={params.ticketId} ticketId={params.ticketId} /> : <Redirect to={homePath(user)} replace />)}
          </Route>
          <Route path="/staff/kb">{writesKb(user) ? <KbArticlesPage /> : <Redirect to={homePath(user)} replace />}</Route>
          <Route path="/staff/kb/new">{writesKb(user) ? <KbArticleEditPage /> : <Redirect to={homePath(user)} replace />}</Route>
          <Route path="/staff/kb/articles/:slug">
            {(params) => (writesKb(user) ? <KbArticleEditPage key={params.slug} slug={params.slug} /> : <Redirect to={homePath(user)} replace />)}
          </Route>
          <Route path="/staff/kb/versions">{writesKb(user) ? <KbVersionsPage /> : <Redirect to={homePath(user)} replace />}</Route>
          <Route path="/staff/audit">{readsLedger(user) ? <AuditLogPage scope="staff" /> : <Redirect to={homePath(user)} replace />}</Route>
          <Route path="/staff/plans">{setsPlans(user) ? <PlansPage /> : <Redirect to={homePath(user)} replace />}</Route>
          <Route path="/staff/privacy/policies">{publishesPolicy(user) ? <PublishPolicyPage /> : <Redirect to={homePath(user)} replace />}</Route>
          <Route path={/^\/console(?:\/.*)?$/}>
            {isOrgAdmin(user) ? <ConsoleRoutes /> : <Redirect to={homePath(user)} replace />}
          </Route>
          <Route>
            <InnerNotFound />
          </Route>
        </Switch>
      </Suspense>
    </Shell>
  );
}
