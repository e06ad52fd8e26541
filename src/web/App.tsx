import { Button, Text } from '@mantine/core';
import { Suspense, lazy, useState } from 'react';
import { Redirect, Route, Switch, useSearch } from 'wouter';
import { AppLink } from './components/AppLink.tsx';
import { PageLoader } from './components/PageLoader.tsx';
import { ProblemAlert } from './components/ProblemAlert.tsx';
import { PublicLayout } from './components/PublicLayout.tsx';
import { homePath, useSession } from './session.tsx';

// Each page is its own chunk: the first load fetches only the page it shows.
const SignUpPage = lazy(() => import('./pages/SignUp.tsx'));
const VerifyEmailPage = lazy(() => import('./pages/VerifyEmail.tsx'));
const ChangeEmailPage = lazy(() => import('./pages/ChangeEmail.tsx'));
const SignInPage = lazy(() => import('./pages/SignIn.tsx'));
const GoogleCompletePage = lazy(() => import('./pages/GoogleComplete.tsx'));
const ForgotPasswordPage = lazy(() => import('./pages/ForgotPassword.tsx'));
const ResetPasswordPage = lazy(() => import('./pages/ResetPassword.tsx'));
const AcceptInvitationPage = lazy(() => import('./pages/AcceptInvitation.tsx'));
const PrivacyChoicesPage = lazy(() => import('./pages/PrivacyChoicesPage.tsx'));
const CurrentPolicyPage = lazy(() => import('./pages/privacy/CurrentPolicy.tsx'));
const PolicyArchivePage = lazy(() => import('./pages/privacy/Archive.tsx'));
const PolicyVersionPage = lazy(() => import('./pages/privacy/Version.tsx'));
const PolicyDiffPage = lazy(() => import('./pages/privacy/Diff.tsx'));
const PrivacyRequestNewPage = lazy(() => import('./pages/privacy/RequestNew.tsx'));
const PrivacyRequestStatusPage = lazy(() => import('./pages/privacy/RequestStatus.tsx'));
const ShineTheLightPage = lazy(() => import('./pages/privacy/ShineTheLight.tsx'));
const ReportChildPage = lazy(() => import('./pages/privacy/ReportChild.tsx'));
const KbSearchPage = lazy(() => import('./pages/kb/Search.tsx'));
const KbArticlePage = lazy(() => import('./pages/kb/Article.tsx'));
const KbSupportedPage = lazy(() => import('./pages/kb/Supported.tsx'));
const SignedInArea = lazy(() => import('./pages/SignedInArea.tsx'));
const SupportVerifyPage = lazy(() => import('./pages/SupportVerify.tsx'));

/** GET /api/v1/me failed for another reason than "signed out" (network, server error). */
function SessionError() {
  const { state, refresh } = useSession();
  const [retrying, setRetrying] = useState(false);
  if (state.status !== 'error') return null;
  return (
    <PublicLayout title="Castellan is not available" documentTitle="Not available">
      <ProblemAlert message={state.error.detail} />
      <Button
        loading={retrying}
        onClick={() => {
          setRetrying(true);
          refresh()
            .catch(() => undefined)
            .finally(() => setRetrying(false));
        }}
      >
        Try again
      </Button>
    </PublicLayout>
  );
}

/** `/`: each kind of user to their own home, visitors to sign-in. */
function Home() {
  const { state } = useSession();
  if (state.status === 'loading') return <PageLoader />;
  if (state.status === 'error') return <SessionError />;
  if (state.status === 'signedOut') return <Redirect to="/sign-in" replace />;
  return <Redirect to={homePath(state.user)} replace />;
}

/** /account, /console…, /staff: signed-out visitors go to sign-in. */
function SignedInRoutes() {
  const { state } = useSession();
  if (state.status === 'loading') return <PageLoader />;
  if (state.status === 'error') return <SessionError />;
  if (state.status === 'signedOut') return <Redirect to="/sign-in" replace />;
  return <SignedInArea />;
}

function NotFound() {
  return (
    <PublicLayout title="Page not found" documentTitle="Page not found">
      <Text>There is no page at this address.</Text>
      <AppLink to="/">Go to the home page</AppLink>
    </PublicLayout>
  );
}

export function App() {
  return (
    <Suspense fallback={<PageLoader />}>
      <Switch>
        <Route path="/">
          <Home />
        </Route>
        <Route path="/sign-up">
          <SignUpPage />
        </Route>
        <Route path="/verify-email">
          <VerifyEmailPage />
        </Route>
        <Route path="/change-email">
          <ChangeEmailPage />
        </Route>
        <Route path="/sign-in">
          <SignInPage />
        </Route>
        <Route path="/google/complete">
          <GoogleCompletePage />
        </Route>
        <Route path="/forgot-password">
          <ForgotPasswordPage />
        </Route>
        <Route path="/reset-password">
          <ResetPasswordPage />
        </Route>
        <Route path="/invitations/:token">{(params) => <AcceptInvitationPage key={params.token} token={params.token} />}</Route>
        {/* Links in invitations sent before 0.2 */}
        <Route path="/accept-invitation">
          <LegacyInvitationLink />
        </Route>
        <Route path="/privacy/shine-the-light">
          <ShineTheLightPage />
        </Route>
        <Route path="/privacy/report-child">
          <ReportChildPage />
        </Route>
        <Route path="/privacy/choices">
          <PrivacyChoicesPage />
        </Route>
        <Route path="/privacy">
          <CurrentPolicyPage />
        </Route>
        <Route path="/privacy/archive">
          <PolicyArchivePage />
        </Route>
        <Route path="/privacy/v/:version">{(params) => <PolicyVersionPage key={params.version} version={params.version} />}</Route>
        <Route path="/privacy/diff">
          <PolicyDiffPage />
        </Route>
        <Route path="/privacy/requests/new">
          <PrivacyRequestNewPage />
        </Route>
        <Route path="/privacy/requests/:requestId">{(params) => <PrivacyRequestStatusPage key={params.requestId} requestId={params.requestId} />}</Route>
        <Route path="/kb">
          <KbSearchPage />
        </Route>
        <Route path="/kb/supported">
          <KbSupportedPage />
        </Route>
        <Route path="/kb/articles/:slug">{(params) => <KbArticlePage key={params.slug} slug={params.slug} />}</Route>
        <Route path="/support/verify">
          <SupportVerifyPage />
        </Route>
        <Route path={/^\/(?:account|staff|console)(?:\/.*)?$/}>
          <SignedInRoutes />
        </Route>
        <Route>
          <NotFound />
        </Route>
      </Switch>
    </Suspense>
  );
}

/** An old invitation link (`/accept-invitation?token=…`) goes to its page. */
function LegacyInvitationLink() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  if (token) return <Redirect to={`/invitations/${encodeURIComponent(token)}`} replace />;
  return (
    <PublicLayout title="Invitation" documentTitle="Invitation">
      <ProblemAlert message="This link is incomplete. Open the link from your invitation email again, or ask your administrator to send it again." />
    </PublicLayout>
  );
}
