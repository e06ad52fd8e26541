import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, api, setCsrfToken, setUnauthorizedHandler, toApiError, type Membership, type Organization, type PendingInvitation, type User } from './api.ts';

export type SessionState =
  | { status: 'loading' }
  | { status: 'error'; error: ApiError }
  | { status: 'signedOut' }
  | { status: 'signedIn'; user: User; organization: Organization | null; memberships: Membership[]; invitations: PendingInvitation[] };

/** The organization in view, kept across reloads in this browser (a person may belong to several). */
const ORG_KEY = 'castellan.orgId';
const storedOrg = (): string | undefined => {
  try {
    return localStorage.getItem(ORG_KEY) ?? undefined;
  } catch {
    return undefined;
  }
};
const storeOrg = (orgId: string | null) => {
  try {
    if (orgId) localStorage.setItem(ORG_KEY, orgId);
    else localStorage.removeItem(ORG_KEY);
  } catch {
    // Storage may be refused (private mode): the first organization is shown then.
  }
};

interface SessionApi {
  state: SessionState;
  /** Reads GET /api/v1/me again; answers the user, or null when signed out. */
  refresh: () => Promise<User | null>;
  /** Signs in (the TOTP code or a recovery code when asked for one) and loads the session. */
  signIn: (input: { email: string; password: string; totp?: string }) => Promise<User>;
  signOut: () => Promise<void>;
  /** Replaces the signed-in user after a change (name, MFA, verification). */
  updateUser: (patch: Partial<User>) => void;
  /** Shows another of the person's organizations (the organization switcher). */
  switchOrganization: (orgId: string) => Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

/** Where a user lands after signing in: org admins in the console, staff at the staff home, others on their account. */
export function homePath(user: Pick<User, 'kind' | 'orgRole'>): string {
  if (user.kind === 'staff') return '/staff';
  if (user.orgRole === 'admin') return '/console';
  return '/account';
}

export const isOrgAdmin = (user: User) => user.kind === 'user' && user.orgRole === 'admin';
export const isStaff = (user: User) => user.kind === 'staff';

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async (): Promise<User | null> => {
    try {
      // A probe that answers 200 either way: signed-out visitors see no failed request in the console.
      if (!(await api.session()).signedIn) {
        setCsrfToken(null);
        setState({ status: 'signedOut' });
        return null;
      }
      const me = await api.me(storedOrg());
      setCsrfToken(me.csrfToken);
      storeOrg(me.organization?.id ?? null);
      setState({ status: 'signedIn', user: me.user, organization: me.organization, memberships: me.memberships, invitations: me.invitations });
      return me.user;
    } catch (e) {
      const err = toApiError(e);
      if (err.status === 401) {
        setCsrfToken(null);
        setState({ status: 'signedOut' });
        return null;
      }
      setState((prev) => (prev.status === 'signedIn' ? prev : { status: 'error', error: err }));
      throw err;
    }
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCsrfToken(null);
      setState({ status: 'signedOut' });
    });
    refresh().catch(() => undefined);
    return () => setUnauthorizedHandler(null);
  }, [refresh]);

  const signIn = useCallback(
    async (input: { email: string; password: string; totp?: string }): Promise<User> => {
      const res = await api.signIn(input);
      setCsrfToken(res.csrfToken);
      const user = await refresh();
      if (!user) throw new ApiError({ status: 401, code: 'client.session_lost', title: 'Signed out', detail: 'Signing in did not work. Try again.' });
      return user;
    },
    [refresh],
  );

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } catch (e) {
      const err = toApiError(e);
      if (err.status !== 401) throw err;
    }
    setCsrfToken(null);
    setState({ status: 'signedOut' });
  }, []);

  const updateUser = useCallback((patch: Partial<User>) => {
    setState((prev) => (prev.status === 'signedIn' ? { ...prev, user: { ...prev.user, ...patch } } : prev));
  }, []);

  const switchOrganization = useCallback(
    async (orgId: string) => {
      storeOrg(orgId);
      await refresh();
    },
    [refresh],
  );

  const value = useMemo(() => ({ state, refresh, signIn, signOut, updateUser, switchOrganization }), [state, refresh, signIn, signOut, updateUser, switchOrganization]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession must be used inside <SessionProvider>');
  return ctx;
}

/** The signed-in user; only for pages behind the signed-in guard. */
export function useSignedIn(): { user: User; organization: Organization | null; memberships: Membership[]; invitations: PendingInvitation[] } {
  const { state } = useSession();
  if (state.status !== 'signedIn') throw new Error('useSignedIn needs a signed-in session');
  return state;
}
