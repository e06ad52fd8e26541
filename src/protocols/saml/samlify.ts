import { createRequire } from 'node:module';

/**
 * PRO-5: samlify, and its xmllint (WASM) schema validator, loaded untyped with the few members
 * Castellan uses typed here: samlify's own declarations import @xmldom/xmldom's, which pull the
 * browser's DOM library into the whole program and change the types of unrelated Node code.
 */

export interface SamlFlowResult {
  samlContent: string;
  extract: {
    request?: Record<string, string | undefined>;
    response?: Record<string, string | undefined>;
    issuer?: string | string[];
    nameID?: string;
    sessionIndex?: Record<string, string | undefined>;
    attributes?: Record<string, string | string[]>;
    conditions?: Record<string, string | undefined>;
    audience?: string | string[];
    [key: string]: unknown;
  };
  sigAlg?: string | null;
}

export interface SamlHttpRequest {
  query?: Record<string, unknown>;
  body?: Record<string, unknown>;
  octetString?: string;
}

export interface SamlBindingContext {
  id: string;
  context: string;
  relayState?: string;
  entityEndpoint?: string;
  type?: string;
}

export interface SamlEntity {
  getMetadata(): string;
  createLogoutResponse(target: SamlEntity, requestInfo: unknown, binding: string, options?: { relayState?: string; customTagReplacement?: (template: string) => { id: string; context: string } }): SamlBindingContext;
  createLogoutRequest(target: SamlEntity, binding: string, user: Record<string, unknown>, options?: { relayState?: string; customTagReplacement?: (template: string) => { id: string; context: string } }): SamlBindingContext;
  parseLogoutRequest(from: SamlEntity, binding: string, request: SamlHttpRequest): Promise<SamlFlowResult>;
  parseLogoutResponse(from: SamlEntity, binding: string, request: SamlHttpRequest): Promise<SamlFlowResult>;
}

export interface SamlIdentityProvider extends SamlEntity {
  createLoginResponse(sp: SamlServiceProvider, requestInfo: unknown, binding: string, user: Record<string, unknown>, options?: { relayState?: string; customTagReplacement?: (template: string) => { id: string; context: string } }): Promise<SamlBindingContext>;
  parseLoginRequest(sp: SamlServiceProvider, binding: string, request: SamlHttpRequest): Promise<SamlFlowResult>;
}

export interface SamlServiceProvider extends SamlEntity {
  createLoginRequest(idp: SamlIdentityProvider, binding?: string, options?: { relayState?: string; customTagReplacement?: (template: string) => { id: string; context: string } }): SamlBindingContext;
  parseLoginResponse(idp: SamlIdentityProvider, binding: string, request: SamlHttpRequest): Promise<SamlFlowResult>;
}

export interface SamlifyLibrary {
  IdentityProvider(settings: Record<string, unknown>): SamlIdentityProvider;
  ServiceProvider(settings: Record<string, unknown>): SamlServiceProvider;
  setSchemaValidator(validator: { validate(xml: string): Promise<unknown> }): void;
}

const load = createRequire(import.meta.url);
const samlify = load('samlify') as SamlifyLibrary;
const xmllint = load('@authenio/samlify-xmllint-wasm') as { validate(xml: string): Promise<unknown> };

let quiet = 0;
// eslint-disable-next-line no-console -- the validator prints the document and its errors with console.error/debug; muted while it runs.
const printers = { error: console.error, debug: console.debug };

/**
 * The schema check (SAML 2.0 protocol and assertion XSDs) every message goes through before samlify
 * reads it. The validator prints what it refuses on the console; that output is muted while it runs
 * (a refused message is answered with a problem and logged without its content).
 */
async function validate(xml: string): Promise<unknown> {
  if (quiet++ === 0) {
    // eslint-disable-next-line no-console -- muted, restored below.
    console.error = () => undefined;
    // eslint-disable-next-line no-console -- as above.
    console.debug = () => undefined;
  }
  try {
    return await xmllint.validate(xml);
  } finally {
    if (--quiet === 0) {
      // eslint-disable-next-line no-console -- restores what was muted above.
      console.error = printers.error;
      // eslint-disable-next-line no-console -- as above.
      console.debug = printers.debug;
    }
  }
}

samlify.setSchemaValidator({ validate });

export { samlify };

export const BINDING = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
} as const;

export const NAME_ID_FORMAT = {
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  email: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
} as const;

export const STATUS = {
  success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  requester: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
  responder: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
  requestDenied: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
  authnFailed: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed',
  noPassive: 'urn:oasis:names:tc:SAML:2.0:status:NoPassive',
} as const;

export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
