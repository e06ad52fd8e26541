import { createRequire } from 'node:module';

/**
 * The few DOM members read here. @xmldom/xmldom is loaded untyped: its type declarations pull the
 * browser's DOM library into the whole program, which changes the types of unrelated Node code.
 */
export interface XmlNode {
  nodeType: number;
  firstChild: XmlNode | null;
  nextSibling: XmlNode | null;
  parentNode: XmlNode | null;
  namespaceURI: string | null;
  localName: string | null;
  textContent: string | null;
  getAttribute?(name: string): string | null;
  hasAttribute?(name: string): boolean;
  attributes?: { length: number; item(i: number): { name: string; localName: string; namespaceURI: string | null; value: string } | null };
}
export type XmlElement = XmlNode & { getAttribute(name: string): string | null; hasAttribute(name: string): boolean };
export interface XmlDocument extends XmlNode {
  documentElement: XmlElement | null;
}
interface DomParserClass {
  new (options: { errorHandler: { warning(): never; error(): never; fatalError(): never } }): { parseFromString(xml: string, mime: string): XmlDocument };
}
const { DOMParser } = createRequire(import.meta.url)('@xmldom/xmldom') as { DOMParser: DomParserClass };

/**
 * PRO-5: the one way SAML XML from outside is read (service-provider metadata here; requests at the
 * edge). A document type declaration, an entity declaration or any other markup declaration is
 * refused on the raw text, before a parser sees it: no DTD, no internal or external entity (XXE,
 * billion laughs). The parser then fails on the first error or warning (to it an unclosed element
 * is only a warning) instead of guessing.
 */

/** The largest SAML document read: metadata, an AuthnRequest or a LogoutRequest are far smaller. */
export const SAML_XML_MAX_CHARS = 256 * 1024;

export type SamlXmlProblem = 'too_large' | 'doctype' | 'malformed';

export class SamlXmlError extends Error {
  constructor(readonly problem: SamlXmlProblem) {
    super(`SAML XML refused: ${problem}`);
  }
}

/** Markup declarations (`<!DOCTYPE`, `<!ENTITY`, `<!ELEMENT`, `<!ATTLIST`, `<!NOTATION`): all but comments and CDATA. */
const DECLARATION = /<!(?!--|\[CDATA\[)/;
/** A processing instruction other than the XML declaration (`<?xml-stylesheet ...?>` and the like). */
const PROCESSING_INSTRUCTION = /<\?(?!xml\s)/;

/** Throws when the raw text declares a DTD or an entity, or is too large to be a SAML message. */
export function refuseDeclarations(xml: string): void {
  if (xml.length > SAML_XML_MAX_CHARS) throw new SamlXmlError('too_large');
  if (DECLARATION.test(xml) || /<!DOCTYPE|<!ENTITY/i.test(xml) || PROCESSING_INSTRUCTION.test(xml.replace(/^\uFEFF?\s*<\?xml\s[^>]*\?>/, ''))) throw new SamlXmlError('doctype');
}

/** The document, parsed strictly after the raw checks; its root element, with nothing but whitespace and comments beside it. */
export function parseSamlXml(xml: string): XmlDocument & { documentElement: XmlElement } {
  refuseDeclarations(xml);
  const fail = () => {
    throw new SamlXmlError('malformed');
  };
  let doc: XmlDocument;
  try {
    doc = new DOMParser({ errorHandler: { warning: fail, error: fail, fatalError: fail } }).parseFromString(xml, 'text/xml');
  } catch (e) {
    if (e instanceof SamlXmlError) throw e;
    throw new SamlXmlError('malformed');
  }
  const root = doc?.documentElement;
  if (!root) throw new SamlXmlError('malformed');
  for (let n = doc.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && n !== root) throw new SamlXmlError('malformed');
    if (n.nodeType === 10) throw new SamlXmlError('doctype');
  }
  return doc as XmlDocument & { documentElement: XmlElement };
}

/** The element children of a node, with their namespace and local name. */
export function childElements(node: XmlNode, ns?: string, localName?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = node.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const e = n as XmlElement;
    if ((ns === undefined || e.namespaceURI === ns) && (localName === undefined || e.localName === localName)) out.push(e);
  }
  return out;
}

/** Every element below a node (the node itself excluded), in document order. */
export function descendants(node: XmlNode): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (n: XmlNode) => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType !== 1) continue;
      out.push(c as XmlElement);
      walk(c);
    }
  };
  walk(node);
  return out;
}

/** An attribute's value, or null when the element does not carry it (xmldom answers '' for both). */
export function attributeOf(e: XmlElement, name: string): string | null {
  return e.hasAttribute(name) ? e.getAttribute(name) : null;
}

export const SAML_NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;
