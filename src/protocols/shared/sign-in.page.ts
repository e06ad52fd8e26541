/**
 * Castellan's sign-in page for an application (PRO-2 OpenID Connect, PRO-5 SAML), rendered on the
 * server. It needs no script, image or other origin; its forms post back to the same URL (or to
 * `action`, a path of this site). Every value is escaped.
 */

export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const STYLE = `
body{margin:0;background:#f8f9fa;color:#212529;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;line-height:1.55}
.frame{max-width:440px;margin:0 auto;padding:48px 16px}
header{text-align:center;font-weight:700;font-size:18px}
main{background:#fff;border:1px solid #dee2e6;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.05);padding:32px;margin:24px 0}
h1{font-size:24px;line-height:1.3;margin:0 0 16px}
p{margin:0 0 16px}
label{display:block;font-weight:600;margin:0 0 4px}
input{display:block;box-sizing:border-box;width:100%;font:inherit;padding:8px;border:1px solid #ced4da;border-radius:4px;margin:0 0 16px}
button{background:#4c6ef5;color:#fff;border:0;border-radius:4px;font:inherit;font-weight:600;padding:8px 18px;cursor:pointer}
button:focus-visible,input:focus-visible{outline:2px solid #4c6ef5;outline-offset:2px}
.error{background:#fff5f5;border:1px solid #ffa8a8;color:#c92a2a;border-radius:4px;padding:8px 12px}
hr{border:0;border-top:1px solid #dee2e6;margin:24px 0}
@media (max-width:480px){.frame{padding:24px 16px}main{padding:16px}}`;

export function page(siteName: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} · ${escapeHtml(siteName)}</title><style>${STYLE}</style></head>
<body><div class="frame">
<header>${escapeHtml(siteName)}</header>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</div></body></html>`;
}

export interface LoginForm {
  siteName: string;
  application: string;
  email?: string | undefined;
  /** Ask for the second factor (ACC-5): the account has TOTP on, or the organization requires it. */
  askCode?: boolean;
  error?: string | undefined;
  /** The account of a Castellan web session in this browser, which may continue without a password. */
  signedInAs?: string | undefined;
  /** Where the forms post (a path of this site); the page's own URL when unset. */
  action?: string | undefined;
}

/** The sign-in form: `email`, `password`, then `code` when asked for, and one submit button. */
export function loginPage(f: LoginForm): string {
  const form = f.action ? `<form method="post" action="${escapeHtml(f.action)}">` : '<form method="post">';
  const app = `<strong>${escapeHtml(f.application)}</strong>`;
  const error = f.error ? `<p class="error" role="alert">${escapeHtml(f.error)}</p>\n` : '';
  const session = f.signedInAs
    ? `${form}<input type="hidden" name="continue" value="1"><button type="submit">Continue as ${escapeHtml(f.signedInAs)}</button></form>
<hr><p>Or sign in with another account:</p>\n`
    : '';
  const code = f.askCode
    ? `<label for="code">Code from your authenticator app (or a recovery code)</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required autofocus>\n`
    : '';
  return page(
    f.siteName,
    `Sign in to ${f.application}`,
    `<p>You are signing in to ${app} with your ${escapeHtml(f.siteName)} account.</p>
${error}${session}${form}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(f.email ?? '')}"${f.askCode || f.email ? '' : ' autofocus'}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
${code}<button type="submit">Sign in</button>
</form>`,
  );
}

/** A sign-in that cannot go on: the interaction expired or was never started here. */
export function expiredPage(siteName: string): string {
  return page(siteName, 'This sign-in has expired', `<p>Go back to the application and sign in again.</p>`);
}
