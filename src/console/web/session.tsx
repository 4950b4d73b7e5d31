import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, onUnauthorized, request, setCsrfToken } from './api.ts';
import type { SessionResponse, StaffUser } from './api-types.ts';
import { localeFromUser, useSetDefaultLocale } from './i18n/index.tsx';
import { currentPath, navigate } from './router.tsx';

// Who is signed in. The session cookie is HttpOnly; what the page holds is the user and the CSRF token
// the service hands out with the session, sent back on every write.

type SessionState = { status: 'loading' } | { status: 'signed-out'; reason: 'none' | 'expired' } | { status: 'signed-in'; user: StaffUser };

interface Session {
  state: SessionState;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const setDefaultLocale = useSetDefaultLocale();

  const accept = useCallback(
    (s: SessionResponse) => {
      setCsrfToken(s.csrfToken);
      const l = localeFromUser(s.user.locale);
      if (l) setDefaultLocale(l);
      setState({ status: 'signed-in', user: s.user });
    },
    [setDefaultLocale],
  );

  useEffect(() => {
    let live = true;
    request<SessionResponse>('GET', '/v1/staff/session', { expect401: true })
      .then((s) => live && accept(s))
      .catch(() => live && setState({ status: 'signed-out', reason: 'none' }));
    return () => {
      live = false;
    };
  }, [accept]);

  useEffect(() => {
    onUnauthorized(() => {
      setCsrfToken(null);
      setState((s) => (s.status === 'signed-in' ? { status: 'signed-out', reason: 'expired' } : s));
    });
    return () => onUnauthorized(null);
  }, []);

  const value = useMemo<Session>(
    () => ({
      state,
      async signIn(username, password) {
        const s = await request<SessionResponse>('POST', '/v1/staff/session', { body: { username, password }, expect401: true });
        accept(s);
      },
      async signOut() {
        try {
          await request<void>('DELETE', '/v1/staff/session', { expect401: true });
        } catch (err) {
          // An expired session is signed out already.
          if (!(err instanceof ApiError)) throw err;
        }
        setCsrfToken(null);
        setState({ status: 'signed-out', reason: 'none' });
        navigate('/sign-in');
      },
    }),
    [state, accept],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The signed-in user; pages render only inside the signed-in shell. */
export function useUser(): StaffUser {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useUser without a session');
  return state.user;
}

/** Where to return after signing in: the page the person asked for. */
export function returnPath(search: URLSearchParams): string {
  const next = search.get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/templates';
}

export const signInPathFor = (): string => {
  const here = currentPath();
  return here.startsWith('/sign-in') || here === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`;
};
