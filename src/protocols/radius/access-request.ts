/**
 * PRO-3: an Access-Request, once its network is known (its Message-Authenticator verified under the
 * network's secret), as a pipeline of small steps. Each step answers a reply or passes; the last
 * accepts. Only PAP (RFC 2865 §5.2): EAP and CHAP get a clean Access-Reject.
 */
import type { RequestContext } from '../../core/context.ts';
import { isAppError } from '../../core/errors.ts';
import { Attr, type Attribute, Code, type Packet, all, attr, decodeUserPassword, first, text } from './packet.ts';
import type { RadiusNetwork, RadiusPort } from './port.ts';
import type { TokenBuckets } from './limits.ts';

export interface AccessOutcome {
  code: typeof Code.accessAccept | typeof Code.accessReject;
  attributes: Attribute[];
  /** For logs and metrics only: never sent, never a secret. */
  reason: string;
}

export interface AccessRequest {
  packet: Packet;
  network: RadiusNetwork;
  ctx: RequestContext;
  userName?: string;
  password?: string;
}

export interface AccessDeps {
  port: RadiusPort;
  userLimits: TokenBuckets;
}

type Step = (req: AccessRequest, deps: AccessDeps) => AccessOutcome | undefined | Promise<AccessOutcome | undefined>;

/** The one text every refusal that could tell whether a user exists carries. */
export const DENIED = 'Access denied.';
export const TOO_MANY = 'Too many attempts; try again later.';

/** RFC 2865 §5.33: Proxy-State attributes are copied, in order, into the reply. */
const proxyState = (p: Packet): Attribute[] => all(p, Attr.proxyState).map((value) => ({ type: Attr.proxyState, value }));

export const reject = (p: Packet, message: string | null, reason: string, extra: Attribute[] = []): AccessOutcome => ({
  code: Code.accessReject,
  attributes: [...(message ? [attr(Attr.replyMessage, message)] : []), ...extra, ...proxyState(p)],
  reason,
});

/** RFC 3579 §2.6.3: EAP is not served; the reject carries an EAP-Failure for the request's EAP identifier. */
const refuseEap: Step = ({ packet }) => {
  const eap = first(packet, Attr.eapMessage);
  if (!eap) return undefined;
  const id = eap.length >= 2 ? (eap[1] as number) : 0;
  return reject(packet, 'Only PAP is supported.', 'eap', [{ type: Attr.eapMessage, value: Buffer.from([4, id, 0, 4]) }]);
};

/** RFC 2865 §4.1: a User-Name and a User-Password (PAP); CHAP, or neither, is refused. */
const readCredentials: Step = (req) => {
  const { packet, network } = req;
  const userName = text(packet, Attr.userName)?.trim();
  const hidden = first(packet, Attr.userPassword);
  if (!hidden) return reject(packet, 'Only PAP is supported.', first(packet, Attr.chapPassword) ? 'chap' : 'no_password');
  const password = decodeUserPassword(hidden, network.secret, packet.authenticator);
  if (!userName || userName.length > 253 || userName.includes('\0') || password === undefined || password.length === 0) return reject(packet, DENIED, 'bad_credentials_format');
  req.userName = userName;
  req.password = password;
  return undefined;
};

/** Per user of the network, before any hashing: a burst of guesses is refused without work. */
const limitUser: Step = (req, deps) => (deps.userLimits.take(`${req.network.networkId}|${(req.userName as string).toLowerCase()}`) ? undefined : reject(req.packet, TOO_MANY, 'user_rate_limited'));

/** The one credential check (ACC-2, ACC-5, ACC-7), then the one access decision (DIR-3). */
const authenticateAndDecide: Step = async (req, { port }) => {
  const { packet, network, ctx } = req;
  let membershipId: string;
  try {
    ({ membershipId } = await port.authenticate(ctx, network.orgId, req.userName as string, req.password as string));
  } catch (e) {
    if (!isAppError(e)) throw e;
    return reject(packet, messageFor(e.code, e.kind, e.message), e.code);
  }
  if (!(await port.mayUse(network.orgId, membershipId, network.networkId))) return reject(packet, DENIED, 'no_access');
  return { code: Code.accessAccept, attributes: proxyState(packet), reason: 'accepted' };
};

/**
 * What a refusal says. Wrong password, unknown user, no access and suspension read alike; only
 * someone who typed the right password learns what else is needed (ACC-5), as over LDAP.
 */
function messageFor(code: string, kind: string, message: string): string {
  if (code === 'accounts.mfa_required') return 'Type the code from your authenticator app right after the password.';
  if (code === 'directory.mfa_required') return message;
  if (kind === 'rate_limited') return TOO_MANY;
  return DENIED;
}

const PIPELINE: Step[] = [refuseEap, readCredentials, limitUser, authenticateAndDecide];

export async function handleAccessRequest(req: AccessRequest, deps: AccessDeps): Promise<AccessOutcome> {
  for (const step of PIPELINE) {
    const out = await step(req, deps);
    if (out) return out;
  }
  throw new Error('the Access-Request pipeline ended without an answer');
}
