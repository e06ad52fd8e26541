/**
 * PRO-5 tests: a real SAML service provider (samlify's ServiceProvider, with its own RSA key and
 * certificate) talking to Castellan over HTTP, and a browser's part by hand (cookies, redirects,
 * the auto-posted form).
 */
import { webcrypto } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import * as x509 from '@peculiar/x509';
import { BINDING, RSA_SHA256, samlify, type SamlIdentityProvider, type SamlServiceProvider } from '../../src/protocols/saml/samlify.ts';

const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;

/** An RSA 2048 key and a self-signed certificate, as PEM. */
export async function rsaPair(name = 'Test SP'): Promise<{ keyPem: string; certPem: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: `CN=${name}`, notBefore: new Date(Date.now() - 86_400_000), notAfter: new Date(Date.now() + 365 * 86_400_000), signingAlgorithm: ALG, keys });
  return { keyPem: x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'), certPem: cert.toString('pem') };
}

export interface TestSp {
  entityId: string;
  acsUrl: string;
  sloUrl: string;
  sp: SamlServiceProvider;
  pair: { keyPem: string; certPem: string };
}

export function makeSp(opts: { entityId: string; acsUrl: string; sloUrl: string; pair: { keyPem: string; certPem: string }; signed: boolean }): TestSp {
  const sp = samlify.ServiceProvider({
    entityID: opts.entityId,
    privateKey: opts.pair.keyPem,
    signingCert: opts.pair.certPem,
    authnRequestsSigned: opts.signed,
    wantAssertionsSigned: true,
    wantMessageSigned: true,
    wantLogoutResponseSigned: true,
    wantLogoutRequestSigned: opts.signed,
    requestSignatureAlgorithm: RSA_SHA256,
    // samlify's default places a request's signature after a Response's Issuer: an AuthnRequest has none.
    signatureConfig: { prefix: 'ds', location: { reference: "/*[local-name(.)='AuthnRequest' or local-name(.)='LogoutRequest']/*[local-name(.)='Issuer']", action: 'after' } },
    assertionConsumerService: [{ Binding: BINDING.post, Location: opts.acsUrl }],
    singleLogoutService: [{ Binding: BINDING.post, Location: opts.sloUrl }],
  });
  return { entityId: opts.entityId, acsUrl: opts.acsUrl, sloUrl: opts.sloUrl, sp, pair: opts.pair };
}

/** The identity provider as the service provider knows it: from Castellan's metadata, fetched over HTTP. */
export async function idpFrom(metadataUrl: string): Promise<SamlIdentityProvider> {
  const res = await fetch(metadataUrl);
  if (res.status !== 200) throw new Error(`metadata: ${res.status}`);
  return samlify.IdentityProvider({ metadata: await res.text(), wantLogoutResponseSigned: true, wantLogoutRequestSigned: true });
}

export interface AuthnFields {
  id?: string;
  issueInstant?: string;
  destination: string;
  acsUrl?: string;
  issuer: string;
}

/** An AuthnRequest written by hand (for requests samlify would not make: old, future, foreign ACS). */
export function authnXml(f: AuthnFields): string {
  const acs = f.acsUrl ? ` AssertionConsumerServiceURL="${f.acsUrl}"` : '';
  return `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${f.id ?? `_${Math.random().toString(16).slice(2)}${Date.now()}`}" Version="2.0" IssueInstant="${f.issueInstant ?? new Date().toISOString()}" Destination="${f.destination}" ProtocolBinding="${BINDING.post}"${acs}><saml:Issuer>${f.issuer}</saml:Issuer><samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" AllowCreate="true"/></samlp:AuthnRequest>`;
}

/** A request by samlify, from our own XML (samlify signs it: the query for HTTP-Redirect, the XML for HTTP-POST). */
export function requestFrom(sp: TestSp, idp: SamlIdentityProvider, binding: 'redirect' | 'post', xml: string, relayState?: string) {
  const id = /ID="([^"]+)"/.exec(xml)?.[1] ?? '';
  return sp.sp.createLoginRequest(idp, binding, { ...(relayState ? { relayState } : {}), customTagReplacement: () => ({ id, context: xml }) });
}

/** An unsigned HTTP-Redirect URL carrying any XML (deflated, base64, URL-encoded). */
export function redirectUrl(endpoint: string, xml: string, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ SAMLRequest: deflateRawSync(Buffer.from(xml)).toString('base64'), ...extra });
  return `${endpoint}?${q.toString()}`;
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The auto-posted form of a page: where it posts, and its fields. */
export function autoPost(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
  if (!action) throw new Error(`no auto-posted form in: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[unescape(m[1] as string)] = unescape(m[2] as string);
  return { action: unescape(action), fields };
}

/** Castellan's "Continue to <application>" page (IdP-initiated with a web session): where its form posts, and its fields. */
export function continueForm(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form action="([^"]+)" method="post">/.exec(html)?.[1];
  if (!action) throw new Error(`no continue form in: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[unescape(m[1] as string)] = unescape(m[2] as string);
  return { action: unescape(action), fields };
}

/** A browser's part: a cookie jar, one request at a time, redirects not followed (the same agent as the OpenID Connect tests'). */
export { OidcAgent as Agent } from './oidc.ts';
