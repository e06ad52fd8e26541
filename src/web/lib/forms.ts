import { useCallback, useRef, useState } from 'react';
import { type ApiError, toApiError } from '../api.ts';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** One request at a time, with its loading state and its last error. */
export function useRequest() {
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const busy = useRef(false);

  const run = useCallback(async <T>(fn: () => Promise<T>): Promise<Outcome<T>> => {
    if (busy.current) return { ok: false, error: toApiError(new Error('busy')) };
    busy.current = true;
    setLoading(true);
    setError(null);
    try {
      const value = await fn();
      return { ok: true, value };
    } catch (e) {
      const err = toApiError(e);
      setError(err);
      return { ok: false, error: err };
    } finally {
      busy.current = false;
      setLoading(false);
    }
  }, []);

  const reset = useCallback(() => setError(null), []);
  return { loading, error, run, reset, setError };
}

/**
 * Splits a problem between the form's own fields (shown next to each input) and
 * the rest (shown in the form's alert). `fields` maps the API's field names to the
 * form's, e.g. `{ password: 'newPassword' }` when the API calls it "password".
 */
export function splitErrors(
  error: ApiError | null,
  fields: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): { field: (name: string) => string | undefined; alert: string | null } {
  if (!error) return { field: () => undefined, alert: null };
  const mine: Record<string, string> = {};
  const others: string[] = [];
  for (const [apiField, message] of Object.entries(error.fieldErrors)) {
    const name = aliases[apiField] ?? apiField;
    if (fields.includes(name)) mine[name] ??= message;
    else others.push(message);
  }
  const placed = Object.keys(mine).length > 0;
  let alert: string | null = null;
  if (!placed) alert = error.detail;
  else if (others.length > 0) alert = others.join(' ');
  return { field: (name) => mine[name], alert };
}

export interface Problem {
  title?: string;
  message: string;
}

/**
 * A page's last outcome: a success notice or a problem, never both. A new problem clears the
 * previous success (an old "Invitation sent" beside a new error reads as if the error succeeded),
 * and a new success clears the previous problem.
 */
export function useOutcome() {
  const [notice, setNotice] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const succeed = useCallback((message: string | null) => {
    setProblem(null);
    setNotice(message);
  }, []);
  const fail = useCallback((p: Problem | null) => {
    if (p) setNotice(null);
    setProblem(p);
  }, []);
  const clear = useCallback(() => {
    setNotice(null);
    setProblem(null);
  }, []);
  return { notice, problem, succeed, fail, clear };
}
