import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { OidcAgent } from './oidc.ts';

/** What the stand-in for Google says of a person: Google's claims, including those Castellan must not keep (ACC-4). */
export interface GoogleUser {
  email: string;
  email_verified: boolean;
  given_name: string;
  family_name: string;
  picture?: string;
  locale?: string;
  hd?: string;
}

export interface GoogleOp {
  /** The issuer URL, for CASTELLAN_GOOGLE_ISSUER. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The environment that points Castellan at this provider. */
  env: Record<string, string>;
  /** Registers Castellan's callback at `castellanUrl` (when it was not known at start: a browser test's app picks its port). */
  useCastellan(castellanUrl: string): void;
  /** Sets (or changes) what the provider says of the person whose `sub` is `sub`; they sign in with `sub` as the login. */
  setUser(sub: string, user: GoogleUser): void;
  /**
   * A browser's part at the provider, by hand: from Castellan's redirect `location` through the
   * provider's login and consent pages, up to the redirect back to Castellan's callback (answered).
   */
  signIn(location: string, sub: string, agent?: OidcAgent): Promise<URL>;
  close(): Promise<void>;
}

/**
 * A local OpenID provider on loopback standing in for Google (oidc-provider with its development
 * interactions: any login, then a consent page). Its ID tokens carry what Google's do: sub, email,
 * email_verified, given_name, family_name, and also picture, locale and hd.
 */
export async function startGoogleOp(castellanUrl?: string): Promise<GoogleOp> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server: Server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const users = new Map<string, GoogleUser>();
  const clientId = 'castellan-test.apps.googleusercontent.com';
  const clientSecret = 'google-op-test-secret-0123456789';
  let redirectUri = '';

  function useCastellan(url: string) {
    redirectUri = `${url}/auth/google/callback`;
    const provider = makeProvider();
    const callback = provider.callback();
    handler = (req, res) => void callback(req, res);
  }

  const makeProvider = () => new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], response_types: ['code'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_post' }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name', 'name', 'picture', 'locale', 'hd'] },
    // Like Google: the ID token itself carries the profile claims.
    conformIdTokenClaims: false,
    cookies: { keys: ['google-op-test-cookie-key-0123456789'] },
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      return {
        accountId: id,
        async claims() {
          const u = users.get(id);
          if (!u) return { sub: id };
          return { sub: id, ...u, name: `${u.given_name} ${u.family_name}` };
        },
      };
    },
  });
  if (castellanUrl) useCastellan(castellanUrl);

  return {
    issuer,
    clientId,
    clientSecret,
    env: { CASTELLAN_GOOGLE_CLIENT_ID: clientId, CASTELLAN_GOOGLE_CLIENT_SECRET: clientSecret, CASTELLAN_GOOGLE_ISSUER: issuer },
    useCastellan,
    setUser(sub, user) {
      users.set(sub, user);
    },
    async signIn(location, sub, agent = new OidcAgent()) {
      const { res, url: page } = await agent.follow(location, redirectUri);
      if (page.href.startsWith(redirectUri)) return page;
      await res.text();
      const afterLogin = await agent.submit(page, { prompt: 'login', login: sub, password: 'any' }, redirectUri);
      if (afterLogin.url.href.startsWith(redirectUri)) return afterLogin.url;
      await afterLogin.res.text();
      const afterConsent = await agent.submit(afterLogin.url, { prompt: 'consent' }, redirectUri);
      if (!afterConsent.url.href.startsWith(redirectUri)) throw new Error(`the provider did not send the browser back: ${afterConsent.res.status} ${afterConsent.url.href}`);
      return afterConsent.url;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
