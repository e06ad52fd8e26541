import { inflateRawSync } from 'node:zlib';
import { AppError } from '../../core/errors.ts';
import { attributeOf, childElements, descendants, parseSamlXml, refuseDeclarations, SAML_NS, SAML_XML_MAX_CHARS, SamlXmlError, type XmlElement } from '../../modules/federation/index.ts';
import { SamlEdgeErrors } from './saml.errors.ts';
import type { SamlHttpRequest } from './samlify.ts';

/**
 * PRO-5: reading a request from a service provider, before samlify sees it (SAML Bindings §3.4
 * HTTP-Redirect, §3.5 HTTP-POST). The raw XML, inflated or decoded, is refused when it declares a
 * DTD or entities; then the document's shape is checked so that the element a signature covers is
 * the element processed (signature wrapping, XSW).
 */

export type SamlBinding = 'redirect' | 'post';
export type SamlParam = 'SAMLRequest' | 'SAMLResponse';

/** Signature algorithms accepted from a service provider (RSA with SHA-2; SHA-1 is refused). */
const SIGNATURE_ALGORITHMS = new Set(['http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512']);
/** The largest encoded message taken (deflated and base64, or base64 alone). */
const MAX_ENCODED = Math.ceil((SAML_XML_MAX_CHARS * 4) / 3) + 4;
const MAX_RELAY_STATE = 1024;

export interface InboundMessage {
  binding: SamlBinding;
  /** The XML, checked for declarations; not yet for its shape. */
  xml: string;
  relayState: string | null;
  /** What samlify reads: the decoded query or body, and for HTTP-Redirect the signed octet string. */
  request: SamlHttpRequest;
  sigAlg: string | null;
}

const refuse = (def: (typeof SamlEdgeErrors)[keyof typeof SamlEdgeErrors], message?: string) => new AppError(def, message);

function checkedXml(xml: string): string {
  try {
    refuseDeclarations(xml);
  } catch (e) {
    if (e instanceof SamlXmlError && e.problem === 'doctype') throw refuse(SamlEdgeErrors.declarationsRefused);
    throw refuse(SamlEdgeErrors.invalidMessage, 'The SAML message is too large.');
  }
  return xml;
}

function base64(value: string): Buffer {
  // A space is never base64: it is a `+` that a lax encoder left unescaped (form decoding made it a space).
  const compact = value.replace(/[\r\n]/g, '').replace(/ /g, '+');
  if (compact === '' || compact.length > MAX_ENCODED || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw refuse(SamlEdgeErrors.invalidMessage, 'The SAML message is not base64.');
  return Buffer.from(compact, 'base64');
}

function relayStateOf(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value.length > MAX_RELAY_STATE) throw refuse(SamlEdgeErrors.invalidMessage, `RelayState must be text of at most ${MAX_RELAY_STATE} characters.`);
  return value;
}

const formDecode = (v: string) => {
  try {
    return decodeURIComponent(v.replace(/\+/g, ' '));
  } catch {
    throw refuse(SamlEdgeErrors.invalidMessage, 'The query string is malformed.');
  }
};

/**
 * HTTP-Redirect (§3.4.4): the message is deflated, base64 and URL-encoded in the query. The
 * signature covers the parameters exactly as they were sent, so the octet string is cut from the
 * raw query string, never re-encoded.
 */
export function fromRedirect(rawQuery: string, param: SamlParam): InboundMessage {
  const raw = new Map<string, string>();
  for (const part of rawQuery.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    // A parameter given twice is ambiguous: which one was signed?
    if (raw.has(key) && ['SAMLRequest', 'SAMLResponse', 'RelayState', 'SigAlg', 'Signature'].includes(key)) throw refuse(SamlEdgeErrors.invalidMessage, `${key} is given twice.`);
    raw.set(key, eq < 0 ? '' : part.slice(eq + 1));
  }
  const encoded = raw.get(param);
  if (encoded === undefined || encoded === '') throw refuse(SamlEdgeErrors.invalidMessage, `${param} is missing.`);
  if (encoded.length > MAX_ENCODED * 3) throw refuse(SamlEdgeErrors.invalidMessage, 'The SAML message is too large.');
  const value = formDecode(encoded);
  let xml: string;
  try {
    xml = inflateRawSync(base64(value), { maxOutputLength: SAML_XML_MAX_CHARS }).toString('utf8');
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw refuse(SamlEdgeErrors.invalidMessage, 'The SAML message does not inflate (or is too large).');
  }
  const relay = raw.get('RelayState');
  const sigAlg = raw.get('SigAlg');
  const signature = raw.get('Signature');
  const octetString = [`${param}=${encoded}`, ...(relay !== undefined ? [`RelayState=${relay}`] : []), ...(sigAlg !== undefined ? [`SigAlg=${sigAlg}`] : [])].join('&');
  const query: Record<string, string> = { [param]: value.replace(/ /g, '+') };
  if (relay !== undefined) query.RelayState = formDecode(relay);
  if (sigAlg !== undefined) query.SigAlg = formDecode(sigAlg);
  if (signature !== undefined) query.Signature = formDecode(signature);
  return { binding: 'redirect', xml: checkedXml(xml), relayState: relayStateOf(query.RelayState), request: { query, octetString }, sigAlg: query.SigAlg ?? null };
}

/** HTTP-POST (§3.5.4): the message is base64 in a form field; its signature is inside the XML. */
export function fromPost(body: Record<string, unknown>, param: SamlParam): InboundMessage {
  const value = body[param];
  if (typeof value !== 'string' || value === '') throw refuse(SamlEdgeErrors.invalidMessage, `${param} is missing.`);
  const xml = base64(value).toString('utf8');
  const relayState = relayStateOf(body.RelayState);
  return { binding: 'post', xml: checkedXml(xml), relayState, request: { body: { [param]: value, ...(relayState !== null ? { RelayState: relayState } : {}) } }, sigAlg: null };
}

/** The checked document: its root element, and the facts read from it. */
export interface RequestFacts {
  root: XmlElement;
  id: string;
  issueInstant: string;
  issuer: string | null;
  destination: string | null;
}

/** Attribute names xml-crypto resolves a Reference URI against: none but the root may carry the root's id. */
const ID_ATTRIBUTES = ['ID', 'Id', 'id'];

/** Whether an element carries this ID in an attribute xml-crypto would resolve a Reference against (namespaced or not). */
function carriesId(e: XmlElement, id: string): boolean {
  const attrs = e.attributes;
  if (!attrs) return false;
  for (let i = 0; i < attrs.length; i++) {
    const at = attrs.item(i);
    if (at && ID_ATTRIBUTES.includes(at.localName || at.name) && at.value === id) return true;
  }
  return false;
}

/**
 * The request's shape (SAML Core §3.2.1, §5.4): the expected root element with an ID; and, when a
 * signature is required over HTTP-POST, exactly one Signature in the whole document, a ds:Signature
 * child of the root, with exactly one Reference, to the root's ID, and an ID that no other element
 * carries. So what samlify verified is the root, and the root is what is read (XSW).
 * Signature, SignedInfo, Reference and SignatureMethod are counted by local name in any namespace:
 * samlify selects the signature (`/*[...]/*[local-name(.)='Signature']`) and xml-crypto its parts
 * that way, so an element in another namespace would be one they could pick.
 */
export function requestShape(msg: InboundMessage, rootName: 'AuthnRequest' | 'LogoutRequest', signed: boolean): RequestFacts {
  let root: XmlElement;
  try {
    root = parseSamlXml(msg.xml).documentElement;
  } catch (e) {
    if (e instanceof SamlXmlError && e.problem === 'doctype') throw refuse(SamlEdgeErrors.declarationsRefused);
    throw refuse(SamlEdgeErrors.invalidMessage, 'The SAML message is not well-formed XML.');
  }
  if (root.namespaceURI !== SAML_NS.protocol || root.localName !== rootName) throw refuse(SamlEdgeErrors.invalidMessage, `Expected a samlp:${rootName}.`);
  const id = attributeOf(root, 'ID') ?? '';
  const issueInstant = attributeOf(root, 'IssueInstant') ?? '';
  if (id === '' || id.length > 256 || attributeOf(root, 'Version') !== '2.0' || issueInstant === '') throw refuse(SamlEdgeErrors.invalidMessage, `The ${rootName} lacks its ID, Version 2.0 or IssueInstant.`);
  const all = [root, ...descendants(root)];
  if (signed && msg.binding === 'post') {
    const signatures = all.filter((e) => e.localName === 'Signature');
    const signature = signatures[0];
    if (signatures.length !== 1 || !signature || signature.parentNode !== root || signature.namespaceURI !== SAML_NS.dsig) throw refuse(SamlEdgeErrors.signatureInvalid, 'The message must carry exactly one signature, on its root element.');
    const signedInfo = childElements(signature, undefined, 'SignedInfo');
    const references = signedInfo.flatMap((s) => childElements(s, undefined, 'Reference'));
    if (signedInfo.length !== 1 || references.length !== 1 || references[0]?.getAttribute('URI') !== `#${id}`) throw refuse(SamlEdgeErrors.signatureInvalid, 'The signature must cover the root element, and it alone.');
    // xml-crypto takes the first SignatureMethod below the signature, wherever it is.
    const methods = descendants(signature).filter((e) => e.localName === 'SignatureMethod');
    if (methods.length !== 1 || !SIGNATURE_ALGORITHMS.has(methods[0]?.getAttribute('Algorithm') ?? '')) throw refuse(SamlEdgeErrors.signatureInvalid, 'The signature algorithm must be RSA with SHA-256 or stronger.');
    const sameId = all.filter((e) => carriesId(e, id));
    if (sameId.length !== 1) throw refuse(SamlEdgeErrors.signatureInvalid, 'Another element carries the signed ID.');
  }
  if (signed && msg.binding === 'redirect' && !SIGNATURE_ALGORITHMS.has(msg.sigAlg ?? '')) throw refuse(SamlEdgeErrors.signatureInvalid, 'The request must be signed (SigAlg and Signature), with RSA and SHA-256 or stronger.');
  const issuers = childElements(root, SAML_NS.assertion, 'Issuer');
  return { root, id, issueInstant, issuer: issuers.length === 1 ? (issuers[0]?.textContent ?? '').trim() : null, destination: attributeOf(root, 'Destination') };
}

/** Maps what samlify throws while reading a message to the refusal a service provider is told. */
export function samlifyRefusal(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const text = e instanceof Error ? e.message : String(e);
  if (/SIG|SIGNATURE|CERTIFICATE|WRAPPING|REFERENCES/i.test(text)) return refuse(SamlEdgeErrors.signatureInvalid);
  return refuse(SamlEdgeErrors.invalidMessage);
}
