import { X509Certificate } from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import { SamlErrors } from './saml.errors.ts';
import { attributeOf, childElements, descendants, parseSamlXml, SAML_NS, SAML_XML_MAX_CHARS, SamlXmlError, type XmlElement } from './saml-xml.ts';

/** PRO-5: the SAML bindings Castellan speaks (SAML Bindings §3.4, §3.5). */
export const SAML_BINDINGS = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
} as const;

export const SAML_NAME_ID_FORMATS = ['persistent', 'email'] as const;
export type SamlNameIdFormat = (typeof SAML_NAME_ID_FORMATS)[number];

/** What a member is told of as attributes, and under which names (null: left out). */
export interface SamlAttributeNames {
  email: string | null;
  name: string | null;
  groups: string | null;
}

/**
 * An assertion consumer service and its index (SAML Metadata §2.2.3 IndexedEndpointType): the
 * `index` attribute of its metadata, or its position in `settings.acsUrls` when given without
 * metadata; null when metadata gave none (it cannot then be chosen by index).
 */
export interface SamlAcs {
  url: string;
  index: number | null;
}

/** An application's `settings` when `protocol` is "saml", checked, with what its metadata told. */
export interface SamlAppSettings {
  entityId: string;
  /** The ACS URLs, the default one first (SAML Metadata §2.2.3 `isDefault`). */
  acsUrls: string[];
  /** Every ACS with its index, as an AuthnRequest's AssertionConsumerServiceIndex names it. */
  acs: SamlAcs[];
  nameIdFormat: SamlNameIdFormat;
  /** The service provider's signing certificates (base64 DER, no PEM armour); AuthnRequests must be signed when there is one. */
  certificates: string[];
  sloUrl: string | null;
  sloBinding: 'post' | 'redirect';
  attributes: SamlAttributeNames;
  metadataUrl: string | null;
  /** The RelayState sent with an IdP-initiated sign-in (never one from the query); null: none. */
  defaultRelayState: string | null;
}

const MAX_URLS = 20;
const MAX_URL_LENGTH = 2000;
const MAX_TEXT = 1024;
/** As long as a RelayState taken from a service provider (SAML Bindings §3.4.3 asks for 80 bytes; many SPs send more). */
const MAX_RELAY_STATE = 1024;
/** xs:unsignedShort, the type of an endpoint's index. */
const MAX_INDEX = 65_535;
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);
const DEFAULT_ATTRIBUTES: SamlAttributeNames = { email: 'email', name: 'name', groups: 'groups' };

export const isSamlSettings = (settings: Record<string, unknown>) => settings.protocol === 'saml';

export const invalidSaml = (field: string, message: string) => new AppError(SamlErrors.invalidSamlSettings, message, { details: { field: `settings.${field}` } });

/** An absolute https URL without a fragment or credentials (http only on a loopback address). */
export function samlUrl(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_URL_LENGTH) throw invalidSaml(field, `settings.${field} must be a URL of at most ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidSaml(field, `settings.${field} is not an absolute URL.`);
  }
  if (url.hash !== '' || value.includes('#')) throw invalidSaml(field, `settings.${field} must not have a fragment.`);
  if (url.username !== '' || url.password !== '') throw invalidSaml(field, `settings.${field} must not carry credentials.`);
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname)))) throw invalidSaml(field, `settings.${field} must use https (http only on a loopback address such as 127.0.0.1).`);
  return value;
}

function text(value: unknown, field: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is refused here.
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TEXT || /[\u0000-\u001f\u007f]/.test(value)) throw invalidSaml(field, `settings.${field} must be a text of 1 to ${MAX_TEXT} characters without control characters.`);
  return value;
}

function acsUrls(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_URLS) throw invalidSaml('acsUrls', `settings.acsUrls must be a list of 1 to ${MAX_URLS} URLs.`);
  const urls = value.map((v, i) => samlUrl(v, `acsUrls[${i}]`));
  if (new Set(urls).size !== urls.length) throw invalidSaml('acsUrls', 'settings.acsUrls must not repeat a URL.');
  return urls;
}

/** An IdP-initiated sign-in's RelayState: an https URL (http on loopback), or null for none. */
function defaultRelayState(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const url = samlUrl(value, 'defaultRelayState');
  if (url.length > MAX_RELAY_STATE) throw invalidSaml('defaultRelayState', `settings.defaultRelayState must be at most ${MAX_RELAY_STATE} characters.`);
  return url;
}

/** The base64 DER bodies of the PEM certificates in a text; throws when there is none or one does not parse. */
function certificates(value: unknown, field: string): string[] {
  if (typeof value !== 'string' || value.length > 64 * 1024) throw invalidSaml(field, `settings.${field} must be PEM text (at most 64 KiB).`);
  const blocks = value.match(/-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0 || blocks.length > 4) throw invalidSaml(field, `settings.${field} must hold one to four PEM certificates (-----BEGIN CERTIFICATE-----).`);
  return blocks.map((b) => derBody(b, field));
}

function derBody(pemOrBase64: string, field: string): string {
  const body = pemOrBase64.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  try {
    const cert = new X509Certificate(Buffer.from(body, 'base64'));
    if (!cert.publicKey || cert.publicKey.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
  } catch {
    throw invalidSaml(field, `settings.${field} holds a certificate that does not parse, or whose key is not RSA.`);
  }
  return body;
}

function attributeNames(value: unknown): SamlAttributeNames {
  if (value === undefined) return { ...DEFAULT_ATTRIBUTES };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidSaml('attributes', 'settings.attributes must be an object naming the attributes email, name and groups.');
  const out = { ...DEFAULT_ATTRIBUTES };
  for (const [key, name] of Object.entries(value as Record<string, unknown>)) {
    if (!(key in DEFAULT_ATTRIBUTES)) throw invalidSaml(`attributes.${key}`, `settings.attributes.${key} is not an attribute Castellan releases (email, name, groups).`);
    out[key as keyof SamlAttributeNames] = name === null ? null : text(name, `attributes.${key}`);
  }
  return out;
}

/** What a service provider's metadata (SAML Metadata §2.4.4) tells: its entity id, ACS URLs (HTTP-POST), signing certificates, SLO. */
export interface SpMetadataFacts {
  entityId: string;
  /** HTTP-POST ACS endpoints with their `index`, the default one first. */
  acs: SamlAcs[];
  certificates: string[];
  sloUrl: string | null;
  sloBinding: 'post' | 'redirect';
}

/**
 * The HTTP-POST assertion consumer services of an SPSSODescriptor with their `index` (SAML Metadata
 * §2.2.3), the default one first: the one marked isDefault="true", else the first not marked
 * "false", else the first.
 */
function acsOf(sp: XmlElement, field: string): SamlAcs[] {
  const acs = childElements(sp, SAML_NS.metadata, 'AssertionConsumerService').filter((e) => attributeOf(e, 'Binding') === SAML_BINDINGS.post);
  if (acs.length === 0) throw invalidSaml(field, `settings.${field} names no AssertionConsumerService with the HTTP-POST binding.`);
  let urls: string[];
  try {
    urls = acs.map((e) => samlUrl(attributeOf(e, 'Location'), field));
  } catch {
    throw invalidSaml(field, `settings.${field}: an AssertionConsumerService Location is missing or not valid (https URLs).`);
  }
  const indexes = acs.map((e) => attributeOf(e, 'index'));
  if (indexes.some((i) => i !== null && !(/^\d{1,5}$/.test(i) && Number(i) <= MAX_INDEX))) throw invalidSaml(field, `settings.${field}: an AssertionConsumerService index is not a number from 0 to ${MAX_INDEX}.`);
  const numbered = indexes.filter((i) => i !== null).map(Number);
  if (new Set(numbered).size !== numbered.length) throw invalidSaml(field, `settings.${field}: two AssertionConsumerService elements share an index.`);
  const flag = (i: number) => attributeOf(acs[i] as XmlElement, 'isDefault') ?? '';
  const positions = acs.map((_, i) => i);
  const first = positions.find((i) => ['true', '1'].includes(flag(i))) ?? positions.find((i) => !['false', '0'].includes(flag(i))) ?? 0;
  const entries = urls.map((url, i) => ({ url, index: indexes[i] === null ? null : Number(indexes[i]) }));
  return [entries[first] as SamlAcs, ...entries.filter((_, i) => i !== first)].slice(0, MAX_URLS);
}

export function readSpMetadata(xml: string, field: string): SpMetadataFacts {
  let doc: ReturnType<typeof parseSamlXml>;
  try {
    doc = parseSamlXml(xml);
  } catch (e) {
    const why = e instanceof SamlXmlError && e.problem === 'doctype' ? 'must not declare a DTD or entities' : e instanceof SamlXmlError && e.problem === 'too_large' ? `must be at most ${SAML_XML_MAX_CHARS} characters` : 'is not well-formed XML';
    throw invalidSaml(field, `settings.${field}: the metadata ${why}.`);
  }
  const root = doc.documentElement;
  if (root.namespaceURI !== SAML_NS.metadata || root.localName !== 'EntityDescriptor') throw invalidSaml(field, `settings.${field} must be an md:EntityDescriptor.`);
  const [sp, ...more] = childElements(root, SAML_NS.metadata, 'SPSSODescriptor');
  if (!sp || more.length > 0) throw invalidSaml(field, `settings.${field} must describe exactly one service provider (md:SPSSODescriptor).`);
  // A fault inside the metadata is reported on the metadata's own field, naming what is wrong in it.
  const within = <T>(what: string, read: () => T): T => {
    try {
      return read();
    } catch {
      throw invalidSaml(field, `settings.${field}: ${what} is missing or not valid (https URLs, RSA certificates).`);
    }
  };
  const entityId = within('the entityID', () => text(attributeOf(root, 'entityID'), field));
  const acs = acsOf(sp, field);
  const certs = within('a signing certificate', () =>
    childElements(sp, SAML_NS.metadata, 'KeyDescriptor')
      .filter((k) => (attributeOf(k, 'use') ?? 'signing') !== 'encryption')
      .flatMap((k) => descendants(k).filter((e) => e.namespaceURI === SAML_NS.dsig && e.localName === 'X509Certificate'))
      .map((e) => derBody(e.textContent ?? '', field)),
  );
  const slo = childElements(sp, SAML_NS.metadata, 'SingleLogoutService');
  const sloPost = slo.find((e) => attributeOf(e, 'Binding') === SAML_BINDINGS.post);
  const sloRedirect = slo.find((e) => attributeOf(e, 'Binding') === SAML_BINDINGS.redirect);
  const sloElement = sloPost ?? sloRedirect;
  const sloUrl = sloElement ? within('the SingleLogoutService Location', () => samlUrl(attributeOf(sloElement, 'ResponseLocation') ?? attributeOf(sloElement, 'Location'), field)) : null;
  return { entityId, acs, certificates: certs.slice(0, 4), sloUrl, sloBinding: sloPost ? 'post' : 'redirect' };
}

/**
 * Checks a SAML application's settings; throws an AppError (422) naming the field at fault.
 * `fetchedMetadata` is what `metadataUrl` answered when the settings were saved.
 */
export function parseSamlSettings(kind: string, settings: Record<string, unknown>, fetchedMetadata?: string | null): SamlAppSettings {
  if (kind !== 'application') throw invalidSaml('protocol', 'Only an application resource can use the "saml" protocol.');
  if (settings.metadataXml !== undefined && settings.metadataUrl !== undefined) throw invalidSaml('metadataUrl', 'Give either settings.metadataXml or settings.metadataUrl, not both.');
  let meta: SpMetadataFacts | undefined;
  if (settings.metadataXml !== undefined) {
    if (typeof settings.metadataXml !== 'string') throw invalidSaml('metadataXml', 'settings.metadataXml must be the service provider’s metadata as XML text.');
    meta = readSpMetadata(settings.metadataXml, 'metadataXml');
  }
  const metadataUrl = settings.metadataUrl === undefined ? null : samlUrl(settings.metadataUrl, 'metadataUrl');
  if (metadataUrl !== null) {
    if (!fetchedMetadata) throw invalidSaml('metadataUrl', 'The metadata at settings.metadataUrl could not be fetched.');
    meta = readSpMetadata(fetchedMetadata, 'metadataUrl');
  }
  const entityId = settings.entityId !== undefined ? text(settings.entityId, 'entityId') : meta?.entityId;
  if (entityId === undefined) throw invalidSaml('entityId', 'settings.entityId is required (or metadata that names it).');
  if (meta && settings.entityId !== undefined && meta.entityId !== entityId) throw invalidSaml('entityId', 'settings.entityId differs from the entityID of the metadata.');
  // Without metadata, index i is the i-th URL of settings.acsUrls.
  const acs = settings.acsUrls !== undefined ? acsUrls(settings.acsUrls).map((url, index) => ({ url, index })) : meta?.acs;
  if (!acs) throw invalidSaml('acsUrls', 'settings.acsUrls is required (or metadata that names an assertion consumer service).');
  if (settings.nameIdFormat !== undefined && !SAML_NAME_ID_FORMATS.includes(settings.nameIdFormat as SamlNameIdFormat)) throw invalidSaml('nameIdFormat', 'settings.nameIdFormat must be "persistent" or "email".');
  const certs = settings.spCertificate !== undefined ? certificates(settings.spCertificate, 'spCertificate') : (meta?.certificates ?? []);
  const sloUrl = settings.sloUrl !== undefined ? (settings.sloUrl === null ? null : samlUrl(settings.sloUrl, 'sloUrl')) : (meta?.sloUrl ?? null);
  return {
    entityId,
    acsUrls: [...new Set(acs.map((a) => a.url))],
    acs,
    nameIdFormat: (settings.nameIdFormat as SamlNameIdFormat | undefined) ?? 'persistent',
    certificates: certs,
    sloUrl,
    sloBinding: settings.sloUrl !== undefined ? 'post' : (meta?.sloBinding ?? 'post'),
    attributes: attributeNames(settings.attributes),
    metadataUrl,
    defaultRelayState: defaultRelayState(settings.defaultRelayState),
  };
}
