import type { FastifyInstance } from 'fastify';
import type { UnsubscribeStatus } from '../../modules/privacy/index.ts';

/**
 * The server-rendered pages and bodies of PRV-7's public mail links: the
 * unsubscribe page (it must work without the web app, scripts or cookies),
 * the tracking pixel, and the form encodings RFC 8058 one-click POSTs use.
 */

/** The pages need no script, image or other origin; their one form posts back to Castellan. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** A transparent 1x1 GIF. */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * The site's public layout, as the web app's signed-out pages draw it (PublicLayout): the mark and
 * name on top, one card with the heading, the privacy-choices link below; in plain HTML and inline
 * styles, since the page works without the app, scripts or other requests.
 */
const STYLE = `
body{margin:0;background:#f8f9fa;color:#212529;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;line-height:1.55}
.frame{max-width:440px;margin:0 auto;padding:48px 16px}
header,footer{text-align:center}
header a{display:inline-flex;align-items:center;gap:8px;color:#212529;text-decoration:none;font-weight:700;font-size:18px}
main{background:#fff;border:1px solid #dee2e6;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.05);padding:32px;margin:24px 0}
h1{font-size:26px;line-height:1.3;margin:0 0 16px}
p{margin:0 0 16px}
button{background:#4c6ef5;color:#fff;border:0;border-radius:4px;font:inherit;font-weight:600;padding:8px 18px;cursor:pointer}
button:focus-visible,a:focus-visible{outline:2px solid #4c6ef5;outline-offset:2px}
footer a{color:#868e96;font-size:14px}
@media (max-width:480px){.frame{padding:24px 16px}main{padding:16px}h1{font-size:24px}}`;

const MARK = `<svg width="28" height="28" viewBox="0 0 32 32" aria-hidden="true" focusable="false"><rect width="32" height="32" rx="7" fill="#4c6ef5"/><path d="M8 25V11l3 2V9h3v3l2-2 2 2V9h3v4l3-2v14z" fill="white"/></svg>`;

function page(siteName: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · ${escapeHtml(siteName)}</title><style>${STYLE}</style></head>
<body><div class="frame">
<header><a href="/" aria-label="${escapeHtml(siteName)} home">${MARK}<span>${escapeHtml(siteName)}</span></a></header>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
<footer><a href="/privacy/choices">Your privacy choices</a></footer>
</div></body></html>`;
}

/**
 * What a GET shows. It changes nothing: mail scanners fetch links, so only
 * the button (a POST to the same URL, the query string and its token kept
 * because the form has no action) unsubscribes.
 */
export function unsubscribePage(siteName: string, status: UnsubscribeStatus): string {
  const list = `<strong>${escapeHtml(status.list)}</strong>`;
  if (!status.subscribed) {
    return page(siteName, 'You are unsubscribed', `<p>You receive no marketing email from ${escapeHtml(siteName)}, such as the ${list} email.</p>`);
  }
  return page(
    siteName,
    'Unsubscribe',
    `<p>Stop all marketing email from ${escapeHtml(siteName)}, such as the ${list} email? Account, security and policy notices still reach you.</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
  );
}

export function unsubscribedPage(siteName: string, list: string): string {
  return page(
    siteName,
    'You are unsubscribed',
    `<p>${escapeHtml(siteName)} will send you no more marketing email, such as the <strong>${escapeHtml(list)}</strong> email. You can change this in your privacy settings at any time.</p>`,
  );
}

export function invalidLinkPage(siteName: string, message: string): string {
  return page(
    siteName,
    'This link does not work',
    `<p>${escapeHtml(message)} To stop marketing email, sign in to ${escapeHtml(siteName)} and change your privacy settings.</p>`,
  );
}

/** A body that cannot be read as the form it says it is: a 400, like malformed JSON. */
function badForm(): Error {
  return Object.assign(new Error('malformed form body'), { statusCode: 400 });
}

/** `application/x-www-form-urlencoded`; an empty body is no fields. */
export function parseUrlEncoded(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

/** `multipart/form-data` (RFC 7578) with plain fields only, which is all a one-click POST carries. */
export function parseMultipart(contentType: string, body: string): Record<string, string> {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^";\s]{1,70}))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw badForm();
  if (body.trim() === '') return {};
  const parts = body.split(`--${boundary}`);
  const fields: Record<string, string> = {};
  let closed = false;
  for (const part of parts.slice(1)) {
    if (part.startsWith('--')) {
      closed = true;
      break;
    }
    const sep = /\r?\n\r?\n/.exec(part);
    if (!sep) throw badForm();
    const head = part.slice(0, sep.index);
    const name = /content-disposition:\s*form-data;[^\r\n]*?\bname="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined || /\bfilename=/i.test(head)) throw badForm();
    fields[name] = part.slice(sep.index + sep[0].length).replace(/\r?\n$/, '');
  }
  if (!closed) throw badForm();
  return fields;
}

/** Adds the two form encodings to `scope` only: everywhere else the API stays JSON-only. */
export function addFormParsers(scope: FastifyInstance): void {
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseUrlEncoded(body as string));
  });
  scope.addContentTypeParser('multipart/form-data', { parseAs: 'string' }, (req, body, done) => {
    try {
      done(null, parseMultipart(String(req.headers['content-type'] ?? ''), body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}
