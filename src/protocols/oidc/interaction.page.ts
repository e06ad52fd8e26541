/**
 * PRO-2: Castellan's sign-in page for an application, rendered on the server (the renderer is shared
 * with the SAML identity provider, PRO-5). It needs no script, image or other origin; its forms post
 * back to the same URL. Every value is escaped.
 */

export { expiredPage, loginPage, page, type LoginForm } from '../shared/sign-in.page.ts';

/**
 * The page's policy. `form-action` also names the application's redirect origin: browsers apply it
 * to the redirects that follow a form's submission, and the last one goes back to the application.
 */
export function interactionCsp(redirectOrigin: string | undefined): string {
  const forms = redirectOrigin ? `'self' ${redirectOrigin}` : `'self'`;
  return `default-src 'none'; style-src 'unsafe-inline'; form-action ${forms}; frame-ancestors 'none'; base-uri 'none'`;
}
