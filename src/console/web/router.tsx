import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

// A small router on the History API: the console's paths live under /console/, the server answers
// index.html for any of them, and links stay real <a href> so they open in new tabs as expected.

export const BASE = '/console';
const NAVIGATED = 'console:navigated';

export interface Location {
  /** The path below /console, always starting with "/". */
  path: string;
  search: URLSearchParams;
}

function read(): string {
  return window.location.pathname + window.location.search;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATED, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATED, onChange);
  };
}

export function useLocation(): Location {
  const full = useSyncExternalStore(subscribe, read);
  const url = new URL(full, window.location.origin);
  const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) || '/' : '/';
  return { path, search: url.searchParams };
}

export const href = (to: string): string => `${BASE}${to.startsWith('/') ? to : `/${to}`}`;

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const target = href(to);
  if (target === read()) return;
  if (opts.replace) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  window.dispatchEvent(new Event(NAVIGATED));
}

/** The current path and query, to come back to after signing in. */
export function currentPath(): string {
  const full = read();
  return full.startsWith(BASE) ? full.slice(BASE.length) || '/' : '/';
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

export function Link({ to, onClick, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    // Let the browser handle new tabs, downloads and anything already handled.
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || rest.target) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={href(to)} onClick={handle} {...rest} />;
}

/** Splits "/templates/case-opened/sms" into decoded segments. */
export function segments(path: string): string[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}
