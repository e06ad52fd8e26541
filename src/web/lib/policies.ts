import { useCallback, useEffect, useState } from 'react';
import { type ApiError, type PolicySummary, toApiError } from '../api.ts';
import { formatDateTime } from './format.ts';

/** PRV-8: where a version's pages are. */
export const versionHref = (version: number) => `/privacy/v/${version}`;
export const diffHref = (from: number, to: number) => `/privacy/diff?from=${from}&to=${to}`;

export const STATUS_LABELS: Record<PolicySummary['status'], string> = {
  upcoming: 'Upcoming',
  in_force: 'In effect',
  superseded: 'Superseded',
};

/** A version's dates in a sentence: when it took (or takes) effect, and until when. */
export function periodOf(p: Pick<PolicySummary, 'status' | 'effectiveAt' | 'supersededAt'>): string {
  const from = formatDateTime(p.effectiveAt);
  if (p.status === 'upcoming') return `Takes effect on ${from}.`;
  if (p.status === 'in_force') return p.supersededAt ? `In effect since ${from}, until ${formatDateTime(p.supersededAt)}.` : `In effect since ${from}.`;
  if (p.supersededAt && p.supersededAt <= p.effectiveAt) return `Replaced before it took effect (${from}).`;
  return `In effect from ${from} until ${formatDateTime(p.supersededAt ?? p.effectiveAt)}.`;
}

/** Loads one thing for a page, with its error, and a way to try again. */
export function useLoad<T>(load: () => Promise<T>): { data: T | null; error: ApiError | null; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    load()
      .then((value) => {
        if (live) setData(value);
      })
      .catch((e: unknown) => {
        if (live) setError(toApiError(e));
      })
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [load, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, loading, reload };
}
