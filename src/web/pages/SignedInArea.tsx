import { Alert, Group, Paper, Stack, Text } from '@mantine/core';
import { type ReactNode, Suspense, lazy } from 'react';
import { Redirect, Route, Switch } from 'wouter';
import { AppLink } from '../components/AppLink.tsx';
import { OrgMfaNotice } from '../components/OrgMfaNotice.tsx';
import { StaffMfaNotice } from '../components/StaffMfaNotice.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { PolicyNotice } from '../components/PolicyNotice.tsx';
import { Shell } from '../components/Shell.tsx';
import { VerifyEmailNotice } from '../components/VerifyEmailNotice.tsx';
import { formatDate } from '../lib/format.ts';
import { STAFF_PAGES, type StaffPage, staffMayUse } from '../lib/staffPages.ts';
import { homePath, isOrgAdmin, isStaff, useSignedIn } from '../session.tsx';

const AccountPage = lazy(() => import('./Account.tsx'));
const AccountPrivacyPage = lazy(() => import('./account/Privacy.tsx'));
const MyDataPage = lazy(() => import('./account/MyData.tsx'));
const AuditLogPage = lazy(() => import('./AuditLog.tsx'));
const UsersPage = lazy(() => import('./console/Users.tsx'));
const UserDetailPage = lazy(() => import('./console/UserDetail.tsx'));
const GroupsPage = lazy(() => import('./console/Groups.tsx'));
const GroupDetailPage = lazy(() => import('./console/GroupDetail.tsx'));
const ResourcesPage = lazy(() => import('./console/Resources.tsx'));
const ResourceDetailPage = lazy(() => import('./console/ResourceDetail.tsx'));
const LdapPage = lazy(() => import('./console/Ldap.tsx'));
const ApiClientsPage = lazy(() => import('./console/ApiClients.tsx'));
const ScimProvisioningPage = lazy(() => import('./console/ScimProvisioning.tsx'));
const DomainsPage = lazy(() => import('./console/Domains.tsx'));
const IntegrationsPage = lazy(() => import('./console/Integrations.tsx'));
const EmailChangeRequestsPage = lazy(() => import('./console/EmailChangeRequests.tsx'));
const BillingSection = lazy(() => import('./console/Billing.tsx'));
const OrgSecuritySection = lazy(() => import('./console/OrgSecurity.tsx'));
const OrgDeletionSection = lazy(() => import('./console/OrgDeletion.tsx'));
const ApplicationsSection = lazy(() => import('./account/Applications.tsx').then((m) => ({ default: m.ApplicationsSection })));
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
const PrivacyRequestsPage = lazy(() => import('./staff/PrivacyRequests.tsx'));
const PrivacyRequestDetailPage = lazy(() => import('./staff/PrivacyRequestDetail.tsx'));
const ChildReportsPage = lazy(() => import('./staff/ChildReports.tsx'));

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
      <ApplicationsSection />
      <OrgSecuritySection key={organization.id} />
      <BillingSection />
      <OrgDeletionSection key={`deletion-${organization.id}`} />
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
          <Text size="sm">The pages your role can use are in the navigation.</Text>
          <AppLink to="/account">Your account settings</AppLink>
        </Stack>
      </Paper>
    </>
  );
}

const pageAt = (to: StaffPage['to']): StaffPage => STAFF_PAGES.find((p) => p.to === to) as StaffPage;

/** A staff page the signed-in role cannot use says so, with the staff navigation beside it, instead of sending them away. */
function RoleForbidden({ page }: { page: StaffPage }) {
  const { user } = useSignedIn();
  const role = user.kind === 'staff' ? (user.staffRole ?? 'none') : user.kind;
  const allowed = page.roles.join(', ');
  return (
    <>
      <PageHeader title={page.label} />
      <Alert color="yellow" variant="light" title="Not available to your role" role="note" data-testid="role-forbidden">
        <Stack gap="xs">
          <Text>{`Your role (${role}) cannot use this page. It is for staff with the ${allowed} role${page.roles.length > 1 ? 's' : ''}.`}</Text>
          <Text size="sm">
            The pages your role can use are in the navigation. <AppLink to={homePath(user)}>Go to your home page</AppLink>
          </Text>
        </Stack>
      </Alert>
    </>
  );
}

/** The page if the role may use it (the server still decides each request), else the panel saying it may not. */
function StaffGate({ to, children }: { to: StaffPage['to']; children: ReactNode }) {
  const { user } = useSignedIn();
  const page = pageAt(to);
  return staffMayUse(user, page) ? <>{children}</> : <RoleForbidden page={page} />;
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
      <Route path="/console/ldap">
        <LdapPage />
      </Route>
      <Route path="/console/api-clients">
        <ApiClientsPage />
      </Route>
      <Route path="/console/scim">
        <ScimProvisioningPage />
      </Route>
      <Route path="/console/domains">
        <DomainsPage />
      </Route>
      <Route path="/console/integrations">
        <IntegrationsPage />
      </Route>
      <Route path="/console/email-change-requests">
        <EmailChangeRequestsPage />
      </Route>
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
      <OrgMfaNotice />
      <Suspense fallback={<PageLoader minHeight="40vh" />}>
        <Switch>
          <Route path="/account">
            <AccountPage />
          </Route>
          <Route path="/account/privacy">
            <AccountPrivacyPage />
          </Route>
          <Route path="/account/data">
            <MyDataPage />
          </Route>
          <Route path="/staff">{isStaff(user) ? <StaffHome /> : <Redirect to={homePath(user)} replace />}</Route>
          <Route path="/staff/privacy/requests">{<StaffGate to="/staff/privacy/requests"><PrivacyRequestsPage /></StaffGate>}</Route>
          <Route path="/staff/privacy/requests/:id">
            {(params) => <StaffGate to="/staff/privacy/requests"><PrivacyRequestDetailPage key={params.id} id={params.id} /></StaffGate>}
          </Route>
          <Route path="/staff/privacy/child-reports">{<StaffGate to="/staff/privacy/child-reports"><ChildReportsPage /></StaffGate>}</Route>
          <Route path="/staff/privacy/disclosures">{<StaffGate to="/staff/privacy/disclosures"><DisclosuresPage /></StaffGate>}</Route>
          <Route path="/staff/support">{<StaffGate to="/staff/support"><DeskPage /></StaffGate>}</Route>
          <Route path="/staff/support/settings">{<StaffGate to="/staff/support/settings"><SupportSettingsPage /></StaffGate>}</Route>
          <Route path="/staff/support/:ticketId">
            {(params) => <StaffGate to="/staff/support"><DeskTicketPage key={params.ticketId} ticketId={params.ticketId} /></StaffGate>}
          </Route>
          <Route path="/staff/kb">{<StaffGate to="/staff/kb"><KbArticlesPage /></StaffGate>}</Route>
          <Route path="/staff/kb/new">{<StaffGate to="/staff/kb"><KbArticleEditPage /></StaffGate>}</Route>
          <Route path="/staff/kb/articles/:slug">
            {(params) => <StaffGate to="/staff/kb"><KbArticleEditPage key={params.slug} slug={params.slug} /></StaffGate>}
          </Route>
          <Route path="/staff/kb/versions">{<StaffGate to="/staff/kb"><KbVersionsPage /></StaffGate>}</Route>
          <Route path="/staff/audit">{<StaffGate to="/staff/audit"><AuditLogPage scope="staff" /></StaffGate>}</Route>
          <Route path="/staff/plans">{<StaffGate to="/staff/plans"><PlansPage /></StaffGate>}</Route>
          <Route path="/staff/privacy/policies">{<StaffGate to="/staff/privacy/policies"><PublishPolicyPage /></StaffGate>}</Route>
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
