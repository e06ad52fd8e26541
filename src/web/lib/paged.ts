import { useCallback, useEffect, useRef, useState } from 'react';
import { type ApiError, type Page, toApiError } from '../api.ts';

/**
 * A list the API pages through: the first page loads (again) whenever `fetchPage`
 * changes (a new search), "Load more" appends the next one. Answers that arrive
 * after a newer search started are dropped.
 */
export function usePaged<T extends { id: string }>(fetchPage: (cursor: string | undefined) => Promise<Page<T> & { total?: number }>) {
  const [items, setItems] = useState<T[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  /** How many match in all, when the API says (users: `total`). */
  const [total, setTotal] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  const seq = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    setError(null);
    setMoreError(null);
    try {
      const page = await fetchPage(undefined);
      if (mine !== seq.current) return;
      setItems(page.items);
      setNextCursor(page.nextCursor);
      setTotal(page.total ?? null);
    } catch (e) {
      if (mine === seq.current) setError(toApiError(e));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [fetchPage]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const loadMore = useCallback(async () => {
    if (!nextCursor || loadingMore) return;
    const mine = seq.current;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await fetchPage(nextCursor);
      if (mine !== seq.current) return;
      setItems((list) => [...(list ?? []), ...page.items.filter((x) => !list?.some((y) => y.id === x.id))]);
      setNextCursor(page.nextCursor);
      if (page.total !== undefined) setTotal(page.total);
    } catch (e) {
      if (mine === seq.current) setMoreError(toApiError(e));
    } finally {
      setLoadingMore(false);
    }
  }, [fetchPage, nextCursor, loadingMore]);

  /** Changes the loaded items in place (after a row's action), without a round trip. */
  const update = useCallback((fn: (list: T[]) => T[]) => setItems((list) => (list ? fn(list) : list)), []);

  return { items, nextCursor, total, loading, error, loadingMore, moreError, reload, loadMore, update };
}
