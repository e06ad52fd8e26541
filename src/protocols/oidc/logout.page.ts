import type { KoaContextWithOIDC } from 'oidc-provider';
import { escapeHtml, page } from '../shared/sign-in.page.ts';
import { interactionCsp } from './interaction.page.ts';

/**
 * OIDC RP-Initiated Logout 1.0 §2, §4: the provider's sign-out confirmation and "signed out" pages
 * in Castellan's look, instead of the library's (which load a web font from a third party). No
 * script: the person confirms with a button. `form` is the library's own form (its action and the
 * anti-forgery value), which the buttons submit.
 */
export function logoutPages(siteName: string) {
  const headers = (ctx: KoaContextWithOIDC, redirectOrigin: string | undefined) => {
    ctx.set('content-security-policy', interactionCsp(redirectOrigin));
    ctx.set('x-frame-options', 'DENY');
  };
  return {
    async logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
      const client = ctx.oidc.client;
      headers(ctx, originOf(ctx.oidc.params?.post_logout_redirect_uri));
      const from = client ? ` and leave <strong>${escapeHtml(String(client.clientName ?? client.clientId))}</strong>` : '';
      ctx.body = page(
        siteName,
        'Sign out',
        `<p>Do you want to sign out of ${escapeHtml(siteName)}${from}?</p>
${form}
<p><button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button></p>
<p><button type="submit" form="op.logoutForm">No, stay signed in</button></p>`,
      );
    },
    async postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
      headers(ctx, undefined);
      ctx.body = page(siteName, 'You are signed out', `<p>You have signed out of ${escapeHtml(siteName)}. You may close this window.</p>`);
    },
  };
}

function originOf(uri: unknown): string | undefined {
  if (typeof uri !== 'string') return undefined;
  try {
    return new URL(uri).origin;
  } catch {
    return undefined;
  }
}
