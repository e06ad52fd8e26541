/**
 * Where to go after signing in, from a `next` parameter: only a path on this
 * site ("/support/verify?token=…"), never another origin ("//evil.example",
 * "https://…", "/\\evil.example"), so the sign-in page is no open redirect.
 */
export function safeReturnPath(next: string | null | undefined): string | null {
  if (!next || next.length > 2000) return null;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  // Control characters (a tab or newline inside "/\t/evil.example") are dropped by URL parsers.
  for (const ch of next) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f || ch === '\\') return null;
  }
  return next;
}

/** The sign-in page, coming back to `path` afterwards. */
export function signInPath(path: string): string {
  return `/sign-in?${new URLSearchParams({ next: path }).toString()}`;
}
