import { AppError } from '../../core/errors.ts';
import type { SamlApplication, XmlElement } from '../../modules/federation/index.ts';
import { attributeOf, childElements, SAML_NS } from '../../modules/federation/index.ts';
import { idpEntity, idpUrls, spEntities } from './entities.ts';
import { type InboundMessage, requestShape, type RequestFacts, samlifyRefusal } from './inbound.ts';
import type { SamlDirectory } from './port.ts';
import { SamlEdgeErrors } from './saml.errors.ts';
import { BINDING, type SamlIdentityProvider, type SamlServiceProvider } from './samlify.ts';

/**
 * PRO-5: the checks every request from a service provider passes, as a pipeline of small steps
 * (SAML Core §3.2.1, §3.4.1, §3.7.1; Profiles §4.1.4.1): its shape, schema and signature, its
 * issuer, destination and age, its assertion consumer service, and that it was never seen before.
 */

/** How old a request may be, and how far in the future its clock may run (SAML Profiles §4.1.4.1 leaves it to the IdP). */
export const REQUEST_MAX_AGE_SECONDS = 5 * 60;
export const CLOCK_SKEW_SECONDS = 60;

export interface CheckedRequest extends RequestFacts {
  idp: SamlIdentityProvider;
}

/** Schema and signature, by samlify, against each of the service provider's certificates in turn. */
async function verified(msg: InboundMessage, parse: (sp: SamlServiceProvider) => Promise<unknown>, sps: SamlServiceProvider[]): Promise<void> {
  let last: unknown;
  for (const sp of sps) {
    try {
      await parse(sp);
      return;
    } catch (e) {
      last = e;
    }
  }
  throw samlifyRefusal(last);
}

function issuedBy(facts: RequestFacts, app: SamlApplication): void {
  if (facts.issuer !== app.settings.entityId) throw new AppError(SamlEdgeErrors.unknownIssuer);
}

function addressedTo(facts: RequestFacts, endpoint: string, signed: boolean): void {
  // SAML Bindings §3.4.5.2, §3.5.5.2: a signed message names its Destination; one given must be the endpoint that received it.
  if (signed && facts.destination === null) throw new AppError(SamlEdgeErrors.invalidMessage, 'A signed request must name its Destination.');
  if (facts.destination !== null && facts.destination !== endpoint) throw new AppError(SamlEdgeErrors.invalidMessage, 'The Destination is not this endpoint.');
}

/** The instant until which the request id must be remembered; refuses a request too old or from the future. */
function fresh(facts: RequestFacts, now: Date): Date {
  const at = Date.parse(facts.issueInstant);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(facts.issueInstant) || Number.isNaN(at)) throw new AppError(SamlEdgeErrors.invalidMessage, 'IssueInstant is not a UTC xs:dateTime.');
  if (at > now.getTime() + CLOCK_SKEW_SECONDS * 1000 || at < now.getTime() - REQUEST_MAX_AGE_SECONDS * 1000) throw new AppError(SamlEdgeErrors.expired);
  return new Date(at + (REQUEST_MAX_AGE_SECONDS + CLOCK_SKEW_SECONDS) * 1000);
}

async function firstTime(directory: SamlDirectory, app: SamlApplication, facts: RequestFacts, until: Date): Promise<void> {
  if (!(await directory.firstSeen(app.resourceId, facts.id, until))) throw new AppError(SamlEdgeErrors.replayed);
}

/**
 * SAML Core §3.4.1: the ACS named by URL or by index must be one of the application's; the answer
 * goes by HTTP-POST. The index is the endpoint's `index` in the SP's metadata (SAML Metadata
 * §2.2.3), not a position; for acsUrls given without metadata, index i is the i-th URL. Neither
 * named: the default ACS (the first).
 */
export function assertionConsumer(root: XmlElement, app: SamlApplication): string {
  const binding = attributeOf(root, 'ProtocolBinding');
  if (binding !== null && binding !== BINDING.post) throw new AppError(SamlEdgeErrors.invalidMessage, 'Only the HTTP-POST binding is answered (ProtocolBinding).');
  const url = attributeOf(root, 'AssertionConsumerServiceURL');
  const index = attributeOf(root, 'AssertionConsumerServiceIndex');
  if (url !== null) {
    if (!app.settings.acsUrls.includes(url)) throw new AppError(SamlEdgeErrors.unknownAcs);
    return url;
  }
  if (index !== null) {
    const chosen = /^\d{1,5}$/.test(index) ? app.settings.acs.find((a) => a.index === Number(index)) : undefined;
    if (!chosen) throw new AppError(SamlEdgeErrors.unknownAcs);
    return chosen.url;
  }
  return app.settings.acsUrls[0] as string;
}

/** An AuthnRequest, checked from end to end; answers its facts and the ACS URL the answer goes to. */
export async function checkAuthnRequest(directory: SamlDirectory, publicUrl: string, app: SamlApplication, msg: InboundMessage): Promise<CheckedRequest & { acsUrl: string; forceAuthn: boolean; isPassive: boolean }> {
  const signed = app.settings.certificates.length > 0;
  const facts = requestShape(msg, 'AuthnRequest', signed);
  const idp = idpEntity(publicUrl, app.resourceId, await directory.idpKey(), app.settings);
  await verified(msg, (sp) => idp.parseLoginRequest(sp, msg.binding, msg.request), spEntities(app.settings, app.settings.acsUrls[0] as string));
  issuedBy(facts, app);
  addressedTo(facts, idpUrls(publicUrl, app.resourceId).sso, signed);
  const until = fresh(facts, directory.now());
  const acsUrl = assertionConsumer(facts.root, app);
  await firstTime(directory, app, facts, until);
  const flag = (name: string) => ['true', '1'].includes(attributeOf(facts.root, name) ?? '');
  return { ...facts, idp, acsUrl, forceAuthn: flag('ForceAuthn'), isPassive: flag('IsPassive') };
}

/** A LogoutRequest, checked from end to end (SAML Core §3.7.1). */
export async function checkLogoutRequest(directory: SamlDirectory, publicUrl: string, app: SamlApplication, msg: InboundMessage): Promise<CheckedRequest & { nameId: string | null }> {
  const signed = app.settings.certificates.length > 0;
  const facts = requestShape(msg, 'LogoutRequest', signed);
  const idp = idpEntity(publicUrl, app.resourceId, await directory.idpKey(), app.settings);
  await verified(msg, (sp) => idp.parseLogoutRequest(sp, msg.binding, msg.request), spEntities(app.settings, app.settings.acsUrls[0] as string));
  issuedBy(facts, app);
  addressedTo(facts, idpUrls(publicUrl, app.resourceId).slo, signed);
  const until = fresh(facts, directory.now());
  await firstTime(directory, app, facts, until);
  const nameId = childElements(facts.root, SAML_NS.assertion, 'NameID')[0]?.textContent ?? null;
  return { ...facts, idp, nameId };
}
