import { type ReactNode, createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import { type ConsentSource, type ConsentState, type PurposeName, api } from '../api.ts';
import { useSession } from '../session.tsx';

/** The purposes the banner's two buttons answer for: tracking and profiling on this site. Opt-in purposes are never granted in bulk. */
export const BANNER_PURPOSES: PurposeName[] = ['analytics', 'advertising', 'partner_sharing', 'personalization'];

interface ConsentContextValue {
  state: ConsentState | null;
  /** The banner is answered once any of its purposes has a recorded choice. */
  bannerAnswered: boolean;
  choose(choices: Array<{ purpose: PurposeName; granted: boolean }>, source: ConsentSource): Promise<ConsentState>;
  reload(): Promise<void>;
}

const ConsentContext = createContext<ConsentContextValue | null>(null);

/**
 * The visitor's or user's consent (PRV-3), read once per page load and after
 * sign-in or sign-out; the server is the only place it is kept. Page views are
 * reported on each navigation while analytics is allowed (PRV-2); the server
 * checks again and stores nothing otherwise.
 */
export function ConsentProvider({ children }: { children: ReactNode }) {
  const session = useSession().state;
  // Whose choices to show changes with the session: sign-in carries the visitor's choices into the account.
  const sessionKey = session.status === 'signedIn' ? session.user.id : session.status;
  const [state, setState] = useState<ConsentState | null>(null);
  const reload = useCallback(async () => {
    try {
      setState(await api.consent());
    } catch {
      setState(null);
    }
  }, []);
  useEffect(() => {
    if (sessionKey !== 'loading') void reload();
  }, [reload, sessionKey]);

  const choose = useCallback(async (choices: Array<{ purpose: PurposeName; granted: boolean }>, source: ConsentSource) => {
    const next = await api.setConsent(choices, source);
    setState(next);
    return next;
  }, []);

  const [location] = useLocation();
  const lastReported = useRef<string | null>(null);
  const analyticsAllowed = state?.purposes.find((p) => p.purpose === 'analytics')?.allowed ?? false;
  useEffect(() => {
    if (!state || !analyticsAllowed || lastReported.current === location) return;
    const referrer = lastReported.current === null ? document.referrer : `${window.location.origin}${lastReported.current}`;
    lastReported.current = location;
    api.pageView({ path: location, ...(referrer ? { referrer: referrer.slice(0, 2000) } : {}) }).catch(() => undefined);
  }, [state, analyticsAllowed, location]);

  const value = useMemo<ConsentContextValue>(
    () => ({
      state,
      bannerAnswered: !!state && state.purposes.some((p) => BANNER_PURPOSES.includes(p.purpose) && p.recorded),
      choose,
      reload,
    }),
    [state, choose, reload],
  );
  return <ConsentContext.Provider value={value}>{children}</ConsentContext.Provider>;
}

export function useConsent(): ConsentContextValue {
  const value = useContext(ConsentContext);
  if (!value) throw new Error('useConsent outside ConsentProvider');
  return value;
}
