import { createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import * as client from 'openid-client';

type Init = { method?: string; body?: string; headers?: Record<string, string> };

const form = (fields: Record<string, string>): Init => ({ method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

/** A browser's part in a sign-in (OpenID Connect or SAML), by hand: a cookie jar and redirects followed one at a time. */
export class OidcAgent {
  readonly jar = new Map<string, string>();

  async fetch(url: string | URL, init: Init = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.jar.size > 0) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  /** Follows redirects until a page answers or a URL starting with `stopAt` is reached. */
  async follow(start: string | URL, stopAt: string, init?: Init): Promise<{ res: Response; url: URL }> {
    let url = new URL(start);
    let res = await this.fetch(url, init);
    for (let hops = 0; res.status >= 300 && res.status < 400; hops++) {
      if (hops > 10) throw new Error('too many redirects');
      url = new URL(res.headers.get('location') ?? '', url);
      if (url.href.startsWith(stopAt)) return { res, url };
      res = await this.fetch(url);
    }
    return { res, url };
  }

  /** POSTs a form, as a browser does, without following the answer. */
  post(url: string | URL, fields: Record<string, string>): Promise<Response> {
    return this.fetch(url, form(fields));
  }

  /** POSTs the sign-in form of the interaction page at `page`, and follows the answer. */
  submit(page: URL, fields: Record<string, string>, stopAt: string) {
    return this.follow(page, stopAt, form(fields));
  }
}

/** Starts a code + PKCE authorization request; answers the agent on the interaction page, and what the code exchange needs. */
export async function startAuthorization(rp: client.Configuration, redirect: string, scope = 'openid', extra: Record<string, string> = {}, agent = new OidcAgent()) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(rp, { redirect_uri: redirect, scope, state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra });
  const { res, url: page } = await agent.follow(url, redirect);
  return { agent, verifier, state, res, page };
}

/** Signs a member in through the sign-in page and exchanges the code: the application's tokens. */
export async function signInTo(rp: client.Configuration, redirect: string, who: { email: string; password: string }, scope = 'openid offline_access') {
  const f = await startAuthorization(rp, redirect, scope);
  const done = await f.agent.submit(f.page, { email: who.email, password: who.password }, redirect);
  const tokens = await client.authorizationCodeGrant(rp, done.url, { pkceCodeVerifier: f.verifier, expectedState: f.state });
  return { tokens, agent: f.agent };
}

/** The OAuth error code of a refused call (a token-endpoint error body, or a WWW-Authenticate challenge), or "accepted". */
export async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (e) {
    const err = e as { error?: string; cause?: Array<{ parameters?: { error?: string } }> };
    return err.error ?? (Array.isArray(err.cause) ? err.cause[0]?.parameters?.error : undefined) ?? String(e);
  }
}

type Jwk = { kid: string; alg: string; kty: string };

/** RFC 7515: checks a compact JWS against the provider's published keys (node:crypto only); answers its header and claims. */
export async function verifiedJwt(issuer: string, token: string): Promise<{ header: Record<string, unknown>; claims: Record<string, unknown> }> {
  const [h = '', p = '', sig = ''] = token.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { kid: string; alg: string };
  const { keys } = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: Jwk[] };
  const jwk = keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`kid ${header.kid} is not in the JWKS`);
  const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  const ok = verify('sha256', Buffer.from(`${h}.${p}`), header.alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key, Buffer.from(sig, 'base64url'));
  if (!ok) throw new Error('bad signature');
  return { header, claims: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown> };
}
