/** Who is acting, and from where: passed by every edge (HTTP, CLI, protocols) into the services. */
/** `client`: an organization's API client (PRO-2), named by its client id. */
export type ActorType = 'user' | 'staff' | 'system' | 'anonymous' | 'client';

export interface Actor {
  type: ActorType;
  id: string | null;
}

export interface RequestContext {
  actor: Actor;
  ip: string | null;
  requestId: string | null;
  userAgent: string | null;
  /** The anonymous visitor id from the visitor cookie, when the edge has one (PRV-1). */
  visitorId?: string | null;
}

export const systemContext = (requestId: string | null = null): RequestContext => ({
  actor: { type: 'system', id: null },
  ip: null,
  requestId,
  userAgent: null,
});

export const anonymousContext = (
  ip: string | null,
  requestId: string | null,
  userAgent: string | null = null,
): RequestContext => ({
  actor: { type: 'anonymous', id: null },
  ip,
  requestId,
  userAgent,
});
