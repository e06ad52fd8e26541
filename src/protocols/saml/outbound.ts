import { randomBytes } from 'node:crypto';
import type { SamlAppSettings } from '../../modules/federation/index.ts';
import { escapeHtml, page } from '../shared/sign-in.page.ts';
import { idpUrls } from './entities.ts';
import type { SamlMember } from './port.ts';
import { NAME_ID_FORMAT, STATUS } from './samlify.ts';

/**
 * PRO-5: what the identity provider sends: a Response (SAML Core §3.3.3) with one assertion, or a
 * status without one; and the LogoutResponse (§3.7.3.2). Castellan writes the XML itself, every
 * value escaped; samlify signs it (the assertion, then the response, RSA-SHA256).
 */

/** How long an assertion may be presented to the service provider (SAML Profiles §4.1.4.2: short). */
export const ASSERTION_SECONDS = 5 * 60;

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
/** An xs:ID: starts with a letter or underscore (XML NCName). */
export const samlId = () => `_${randomBytes(20).toString('hex')}`;

const NS = 'xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"';

export interface ResponseInput {
  publicUrl: string;
  resourceId: string;
  settings: SamlAppSettings;
  acsUrl: string;
  inResponseTo: string | null;
  now: Date;
}

function attributeStatement(names: SamlAppSettings['attributes'], member: SamlMember): string {
  const attrs: string[] = [];
  const add = (name: string | null, values: string[]) => {
    if (name === null) return;
    const v = values.map((x) => `<saml:AttributeValue xsi:type="xs:string">${xml(x)}</saml:AttributeValue>`).join('');
    attrs.push(`<saml:Attribute Name="${xml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${v}</saml:Attribute>`);
  };
  add(names.email, [member.email]);
  add(names.name, [member.name]);
  if (member.groups.length > 0) add(names.groups, member.groups);
  return attrs.length > 0 ? `<saml:AttributeStatement>${attrs.join('')}</saml:AttributeStatement>` : '';
}

/** A successful Response: one assertion about the member, for this service provider alone, briefly. */
export function successResponse(input: ResponseInput, member: SamlMember, nameId: string): { id: string; context: string } {
  const id = samlId();
  const now = input.now.toISOString();
  const until = new Date(input.now.getTime() + ASSERTION_SECONDS * 1000).toISOString();
  const issuer = xml(idpUrls(input.publicUrl, input.resourceId).entityId);
  const irt = input.inResponseTo ? ` InResponseTo="${xml(input.inResponseTo)}"` : '';
  const s = input.settings;
  const context =
    `<samlp:Response ${NS} ID="${id}" Version="2.0" IssueInstant="${now}" Destination="${xml(input.acsUrl)}"${irt}>` +
    `<saml:Issuer>${issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="${STATUS.success}"/></samlp:Status>` +
    `<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="${samlId()}" Version="2.0" IssueInstant="${now}">` +
    `<saml:Issuer>${issuer}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${NAME_ID_FORMAT[s.nameIdFormat]}" SPNameQualifier="${xml(s.entityId)}">${xml(nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${until}" Recipient="${xml(input.acsUrl)}"${irt}/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${now}" NotOnOrAfter="${until}"><saml:AudienceRestriction><saml:Audience>${xml(s.entityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${now}" SessionIndex="${samlId()}" SessionNotOnOrAfter="${until}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    attributeStatement(s.attributes, member) +
    `</saml:Assertion></samlp:Response>`;
  return { id, context };
}

/** A Response without an assertion (SAML Core §3.2.2.2), e.g. Responder + RequestDenied when access is refused. */
export function statusResponse(input: ResponseInput, top: string, second: string, message: string): { id: string; context: string } {
  const id = samlId();
  const irt = input.inResponseTo ? ` InResponseTo="${xml(input.inResponseTo)}"` : '';
  const context =
    `<samlp:Response ${NS} ID="${id}" Version="2.0" IssueInstant="${input.now.toISOString()}" Destination="${xml(input.acsUrl)}"${irt}>` +
    `<saml:Issuer>${xml(idpUrls(input.publicUrl, input.resourceId).entityId)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${top}"><samlp:StatusCode Value="${second}"/></samlp:StatusCode><samlp:StatusMessage>${xml(message)}</samlp:StatusMessage></samlp:Status>` +
    `</samlp:Response>`;
  return { id, context };
}

/** The LogoutResponse to a service provider's LogoutRequest (SAML Core §3.7.3.2). */
export function logoutResponse(input: ResponseInput & { destination: string }): { id: string; context: string } {
  const id = samlId();
  const irt = input.inResponseTo ? ` InResponseTo="${xml(input.inResponseTo)}"` : '';
  const context =
    `<samlp:LogoutResponse ${NS} ID="${id}" Version="2.0" IssueInstant="${input.now.toISOString()}" Destination="${xml(input.destination)}"${irt}>` +
    `<saml:Issuer>${xml(idpUrls(input.publicUrl, input.resourceId).entityId)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${STATUS.success}"/></samlp:Status></samlp:LogoutResponse>`;
  return { id, context };
}

/**
 * SAML Bindings §3.5.4: the page that carries a message to the service provider, an HTML form
 * posted by a one-line script (a button for a browser without script). Its policy allows that one
 * script, by nonce, and a form posted to the service provider's origin alone.
 */
export function autoPostPage(siteName: string, target: string, fields: Record<string, string>): { html: string; csp: string } {
  const nonce = randomBytes(16).toString('base64');
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
  const body = `<p>Taking you back to the application…</p>
<form method="post" action="${escapeHtml(target)}">
${inputs}
<button type="submit">Continue</button>
</form>
<script nonce="${nonce}">document.forms[0].submit();</script>`;
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; form-action ${new URL(target).origin}; frame-ancestors 'none'; base-uri 'none'`;
  return { html: page(siteName, 'Signing you in', body), csp };
}
