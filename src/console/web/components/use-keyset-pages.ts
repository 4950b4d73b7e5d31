import { useEffect, useState } from 'react';
import { get, isAbort } from '../api.ts';
import type { Page } from '../api-types.ts';

// A list the service pages by keyset (`before` → `next`): the first page whenever the query
// changes, then "Load more" appends the next one.

export interface KeysetPages<T> {
  rows: T[];
  next: string | null;
  loading: boolean;
  loaded: boolean;
  error: unknown;
  more(): Promise<void>;
}

/** `url(before)` gives the address of a page; a new `key` (the applied filters) starts over. */
export function useKeysetPages<T>(url: (before?: string) => string, key: string): KeysetPages<T> {
  const [rows, setRows] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    get<Page<T>>(url(), controller.signal)
      .then((page) => {
        setRows(page.items);
        setNext(page.next);
        setLoaded(true);
      })
      .catch((err: unknown) => !isAbort(err) && setError(err))
      .finally(() => !controller.signal.aborted && setLoading(false));
    return () => controller.abort();
    // The url function is new on every render; the key says when the query really changed.
  }, [key]);

  const more = async () => {
    if (!next) return;
    setLoading(true);
    setError(null);
    try {
      const page = await get<Page<T>>(url(next));
      setRows((r) => [...r, ...page.items]);
      setNext(page.next);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  };

  return { rows, next, loading, loaded, error, more };
}
