import { accountIdOf, type Caller, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { constantTimeEqual, randomToken, sha256 } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { normalizeEmail, validEmail } from '../accounts/index.ts';
import { type AuthorizationFile, checkAuthorization } from './agents.authorization.ts';
import * as requests from './requests.repository.ts';
import type { Steps } from './requests.steps.ts';
import type { RightsDeps } from './rights.deps.ts';
import { RightsErrors } from './rights.errors.ts';
import type { PrivacyRequestsTable } from './rights.tables.ts';
import type { AgentInput } from './verification.hooks.ts';
import * as repo from './verification.repository.ts';

/** DSR-3: the kinds an authorized agent may ask for. */
export const AGENT_KINDS = ['access', 'know', 'correct', 'delete', 'opt_out'] as const;
const NAME_MAX = 200;

export interface PreparedAgent {
  name: string;
  email: string;
  file: AuthorizationFile;
}

/**
 * DSR-3: requests made by an authorized agent. The agent names themselves and uploads the
 * authorization the subject signed; the request is the subject's (their address, their
 * acknowledgement). The agent gets their own link to follow it. For an opt-out the signed
 * authorization is enough and it takes effect at once; for the other kinds the subject confirms
 * directly (requests.verification.ts).
 */
export function createAgents(deps: RightsDeps, steps: Steps) {
  const { mail, clock, config } = deps;

  /** Checks the agent and the file before anything is recorded. */
  function prepare(kind: string, input: AgentInput): PreparedAgent | null {
    if (!input.agent && !input.authorization) return null;
    if (!input.agent || !input.authorization) throw new AppError(RightsErrors.agentAuthorizationRequired, undefined, { details: { field: input.agent ? 'authorization' : 'agent' } });
    if (!(AGENT_KINDS as readonly string[]).includes(kind)) throw new AppError(RightsErrors.agentKindRefused, undefined, { details: { field: 'kind' } });
    const name = input.agent.name.trim();
    if (!name || name.length > NAME_MAX) throw new AppError(CommonErrors.invalid, `Give the agent's name (at most ${NAME_MAX} characters).`, { details: { field: 'agent.name' } });
    const email = validEmail(input.agent.email);
    return { name, email, file: checkAuthorization(input.authorization) };
  }

  const webLink = (r: PrivacyRequestsTable, token: string) => `${config.publicUrl}/privacy/requests/${r.id}?token=${token}`;

  /** In the intake's transaction: records the agent and the file, and mails the agent their link. Answers the lines the subject's acknowledgement adds. */
  async function received(ex: Executor, ctx: RequestContext, row: PrivacyRequestsTable, agent: PreparedAgent): Promise<string[]> {
    const token = randomToken();
    const at = clock.now().toISOString();
    await repo.insertAgent(ex, {
      request_id: row.id,
      name: agent.name,
      email: agent.email,
      email_normalized: normalizeEmail(agent.email),
      token_hash: sha256(token),
      filename: agent.file.filename,
      content_type: agent.file.contentType,
      size: agent.file.size,
      sha256: agent.file.sha256,
      content: agent.file.content,
      created_at: at,
      updated_at: at,
    });
    await steps.step(ex, ctx, row, 'agent_authorization', { type: 'requester', id: null }, `Made by an authorized agent, with a signed authorization (${agent.file.contentType}, ${agent.file.size} bytes).`, { sha256: agent.file.sha256 });
    const optOut = row.kind === 'opt_out';
    const lines = [
      `We received the request you made on behalf of ${row.email} for ${steps.kindName(row.kind)} (reference ${row.id}), with the authorization you uploaded.`,
      optOut
        ? 'An opt-out of sale and sharing needs nothing more: it has taken effect.'
        : 'The person you act for must also confirm it to us directly: we have written to them. We may also ask you for details about them, on your link.',
      '',
      `Follow the request here (keep this link to yourself): ${webLink(row, token)}`,
    ];
    await mail.enqueue(ex, { to: agent.email, subject: `We received the privacy request you made as an agent [${row.id}]`, text: `${lines.join('\n')}\n\n-- \n${config.siteName} privacy\n` });
    return optOut
      ? [`It was made on your behalf by ${agent.name} <${agent.email}>, with an authorization signed by you.`]
      : [
          `It was made on your behalf by ${agent.name} <${agent.email}>, as your authorized agent. We act on it only once you confirm it to us yourself:`,
          'open the link below and confirm, or ignore this message and we will not act on it. If you did not authorize this person, tell us by answering this message.',
        ];
  }

  async function isAgentToken(ex: Executor, row: PrivacyRequestsTable, token: string): Promise<boolean> {
    const agent = await repo.findAgent(ex, row.id);
    return !!agent && constantTimeEqual(sha256(token), agent.token_hash);
  }

  /** DSR-3: the signed authorization, to privacy staff only; the look is a step in the request's history (SEC-1). */
  async function authorization(ctx: RequestContext, caller: Caller, requestId: string): Promise<{ filename: string; contentType: string; content: Buffer }> {
    requireCapability(caller, 'privacy.requests');
    const row = await requests.findRequest(deps.db, requestId);
    const file = row ? await repo.findAuthorization(deps.db, requestId) : undefined;
    if (!row || !file?.content) throw new AppError(CommonErrors.notFound);
    const staffId = accountIdOf(caller);
    await steps.step(deps.db, ctx, row, 'authorization_viewed', staffId ? { type: 'staff', id: staffId } : { type: 'system', id: null }, null);
    return { filename: file.filename, contentType: file.content_type, content: Buffer.from(file.content) };
  }

  return { prepare, received, isAgentToken, authorization };
}

export type Agents = ReturnType<typeof createAgents>;
