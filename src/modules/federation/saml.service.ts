import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { RequestContext } from '../../core/context.ts';
import { randomToken, sha256 } from '../../core/crypto.ts';
import type { Database, Executor } from '../../db/schema.ts';
import type { ApplicationLookup, ApplicationRef } from './clients.service.ts';
import { fetchSpMetadata } from './saml-metadata-fetch.ts';
import { isSamlSettings, parseSamlSettings, type SamlAppSettings } from './saml-settings.ts';
import * as repo from './saml.repository.ts';

/** How long a sign-in may take between the AuthnRequest and the answer. */
export const SAML_PENDING_SECONDS = 10 * 60;

/**
 * Parsed settings are kept briefly per application (metadata may be 256 KiB of XML, read on every
 * metadata, sso and init request), under a digest of what they were parsed from: settings saved
 * on this node are seen at once, and the next request after the lifetime reads them again anyway.
 */
const PARSED_TTL_MS = 5000;
const PARSED_MAX = 500;

export interface SamlApplicationsDeps {
  db: Kysely<Database>;
  clock: Clock;
  applications: ApplicationLookup;
  /** Tests only: metadata URLs on loopback (CASTELLAN_SAML_METADATA_ALLOW_LOOPBACK). */
  metadataAllowLoopback: boolean;
}

/** A SAML application, as the identity provider serves it. */
export interface SamlApplication {
  orgId: string;
  resourceId: string;
  settings: SamlAppSettings;
}

/** An AuthnRequest (or an IdP-initiated sign-in) waiting for the person to sign in. */
export interface SamlPending {
  requestId: string | null;
  acsUrl: string;
  relayState: string | null;
  /** SAML Core §3.4.1 ForceAuthn: the person authenticates again, a web session is not enough. */
  forceAuthn: boolean;
}

/**
 * PRO-5: application resources whose `settings.protocol` is "saml" are the identity provider's
 * service providers; the pending sign-ins and the request ids already seen (replay detection).
 */
export function createSamlApplications(deps: SamlApplicationsDeps) {
  const { db, clock, applications } = deps;
  /**
   * The metadata fetched by `check` for the settings object being saved, read by `created` or
   * `updated` in the same request: the fetch happens before the transaction, never inside it.
   */
  const fetched = new WeakMap<Record<string, unknown>, string>();

  /** The directory's hook: refuses bad SAML settings before anything is saved (and fetches metadataUrl once). */
  async function check(kind: string, settings: Record<string, unknown>): Promise<void> {
    if (!isSamlSettings(settings)) return;
    let xml: string | undefined;
    if (kind === 'application' && settings.metadataUrl !== undefined && settings.metadataXml === undefined) {
      xml = await fetchSpMetadata(settings.metadataUrl, { allowLoopback: deps.metadataAllowLoopback });
      fetched.set(settings, xml);
    }
    parseSamlSettings(kind, settings, xml);
  }

  /** The directory's hook, in the transaction that creates the resource. */
  async function created(trx: Executor, _ctx: RequestContext, app: ApplicationRef): Promise<Record<string, never>> {
    if (!isSamlSettings(app.settings)) return {};
    const now = clock.now().toISOString();
    await repo.insertApplication(trx, { resource_id: app.id, org_id: app.orgId, fetched_metadata: fetched.get(app.settings) ?? null, created_at: now, updated_at: now });
    return {};
  }

  /** The directory's hook, when settings are replaced: a resource that stops being a SAML application stops being served. */
  async function updated(trx: Executor, _ctx: RequestContext, app: ApplicationRef): Promise<void> {
    const row = await repo.findOrgApplication(trx, app.orgId, app.id);
    if (!isSamlSettings(app.settings)) {
      if (row) await repo.deleteOrgApplication(trx, app.orgId, app.id);
      return;
    }
    const now = clock.now().toISOString();
    const xml = fetched.get(app.settings) ?? null;
    if (!row) await repo.insertApplication(trx, { resource_id: app.id, org_id: app.orgId, fetched_metadata: xml, created_at: now, updated_at: now });
    else await repo.setFetchedMetadata(trx, app.orgId, app.id, xml, now);
  }

  const parsed = new Map<string, { source: string; until: number; settings: SamlAppSettings | undefined }>();

  /** The checked settings (undefined when no longer valid), parsed once per version and lifetime; read only. */
  function parsedSettings(resourceId: string, kind: string, settings: Record<string, unknown>, fetchedMetadata: string | null): SamlAppSettings | undefined {
    const source = sha256(`${kind}\u0000${JSON.stringify(settings)}\u0000${fetchedMetadata ?? ''}`);
    const now = clock.now().getTime();
    const hit = parsed.get(resourceId);
    if (hit && hit.source === source && hit.until > now) return hit.settings;
    let value: SamlAppSettings | undefined;
    try {
      value = parseSamlSettings(kind, settings, fetchedMetadata);
    } catch {
      value = undefined;
    }
    // Bounded: the oldest entry makes room (a Map keeps insertion order).
    parsed.delete(resourceId);
    if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value as string);
    parsed.set(resourceId, { source, until: now + PARSED_TTL_MS, settings: value });
    return value;
  }

  /** The application a resource id names, or undefined: unknown, gone, not SAML, or settings no longer valid. */
  async function application(resourceId: string): Promise<SamlApplication | undefined> {
    const row = await repo.findApplication(db, resourceId);
    if (!row) return undefined;
    const app = await applications.find(row.org_id, row.resource_id);
    if (!app || !isSamlSettings(app.settings)) return undefined;
    const settings = parsedSettings(row.resource_id, app.kind, app.settings, row.fetched_metadata);
    return settings ? { orgId: row.org_id, resourceId: row.resource_id, settings } : undefined;
  }

  /** Keeps a sign-in between the form and the answer; answers the unguessable id the form carries. */
  async function begin(resourceId: string, p: SamlPending): Promise<string> {
    const id = randomToken(32);
    const now = clock.now();
    await repo.insertPending(db, {
      id: sha256(id),
      resource_id: resourceId,
      request_id: p.requestId,
      acs_url: p.acsUrl,
      relay_state: p.relayState,
      force_authn: p.forceAuthn ? 1 : 0,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SAML_PENDING_SECONDS * 1000).toISOString(),
    });
    return id;
  }

  async function pending(resourceId: string, id: string): Promise<SamlPending | undefined> {
    const row = await repo.findPending(db, resourceId, sha256(id), clock.now().toISOString());
    return row ? { requestId: row.request_id, acsUrl: row.acs_url, relayState: row.relay_state, forceAuthn: Number(row.force_authn) === 1 } : undefined;
  }

  /** Ends a pending sign-in; false when it was already answered (or lapsed): it is answered once. */
  function finish(resourceId: string, id: string): Promise<boolean> {
    return repo.deletePending(db, resourceId, sha256(id), clock.now().toISOString());
  }

  /** Replay detection: whether a request id is new for this application; it is remembered until `until`. */
  function firstSeen(resourceId: string, requestId: string, until: Date): Promise<boolean> {
    return repo.recordSeen(db, resourceId, sha256(requestId), until.toISOString());
  }

  return { check, created, updated, application, begin, pending, finish, firstSeen };
}

export type SamlApplications = ReturnType<typeof createSamlApplications>;
