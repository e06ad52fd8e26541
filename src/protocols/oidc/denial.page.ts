import { escapeHtml, page } from '../shared/sign-in.page.ts';

/** Why an application refused a sign-in (DIR-3), as the denial page words it. */
export type DenialReason = 'not_member' | 'no_access' | 'suspended';

/** The refusal's words: shown on the denial page, and sent as `error_description`. */
export function denialText(reason: DenialReason, application: string): string {
  switch (reason) {
    case 'not_member':
      return `You are not a member of the organization of ${application}.`;
    case 'suspended':
      return `Your account in the organization of ${application} is suspended: you may not use ${application}.`;
    case 'no_access':
      return `You may not use ${application}: ask an administrator of your organization for access.`;
  }
}

/**
 * PRO-2, DIR-3: the page an application's admin may choose (`settings.denialPage`) instead of the
 * redirect with `error=access_denied`: it names the application and the reason, and links back to
 * the application with the same error response (RFC 6749 §4.1.2.1, with `iss` per RFC 9207). Some
 * relying parties (Apache mod_auth_openidc 2.4.12) misread that response and show their users a
 * confusing page; here the person learns what happened first. No script; every value is escaped.
 */
export function denialPage(f: { siteName: string; application: string; reason: DenialReason; back: string }): string {
  const app = `<strong>${escapeHtml(f.application)}</strong>`;
  return page(
    f.siteName,
    `Access to ${f.application} was refused`,
    `<p class="error" role="alert">${escapeHtml(denialText(f.reason, f.application))}</p>
<p>You signed in with your ${escapeHtml(f.siteName)} account, but ${app} cannot let you in.</p>
<p><a href="${escapeHtml(f.back)}" rel="noreferrer">Back to ${escapeHtml(f.application)}</a></p>`,
  );
}
