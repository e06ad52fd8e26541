import type { RequestContext } from '../../core/context.ts';
import type { Executor } from '../../db/schema.ts';
import type { AuthorizationInput } from './agents.authorization.ts';
import type { PrivacyRequestsTable } from './rights.tables.ts';
import type { ChecklistView } from './verification.views.ts';

/** DSR-3: an agent, as the intake takes one: who they are and the signed authorization they upload. */
export interface AgentInput {
  agent?: { name: string; email: string } | undefined;
  authorization?: AuthorizationInput | undefined;
}

/** Who is looking at a request: what it says about verification depends on it (DIR-1 rule 4). */
export type Audience = 'anonymous' | 'holder' | 'subject' | 'agent' | 'staff';

/**
 * What verification (DSR-2) and agents (DSR-3) add to the intake, set when the module is put
 * together: the intake records an agent's request in its own transaction, adds the verification
 * instructions to the acknowledgement, and shows what verification still needs.
 */
export interface IntakeVerification {
  /** Checks an agent's input before anything is recorded; answers what `received` takes. */
  prepare(kind: string, input: AgentInput): unknown;
  /** In the intake's transaction: records the agent, mails them their own link; answers lines for the acknowledgement. */
  received(ex: Executor, ctx: RequestContext, row: PrivacyRequestsTable, prepared: unknown): Promise<string[]>;
  /** Whether `token` is the agent's link to the request. */
  isAgentToken(ex: Executor, row: PrivacyRequestsTable, token: string): Promise<boolean>;
  /** DSR-2: what verification still needs, as `audience` may be told. */
  needs(ex: Executor, row: PrivacyRequestsTable, audience: Audience): Promise<string[]>;
  /** DSR-2, DSR-3: the staff's checklist. */
  checklist(ex: Executor, row: PrivacyRequestsTable): Promise<ChecklistView>;
}

export const noIntakeVerification: IntakeVerification = {
  prepare: () => null,
  received: async () => [],
  isAgentToken: async () => false,
  needs: async (_ex, row) => (row.verification === 'pending' ? ['email_link'] : []),
  checklist: async () => ({ items: [], attempts: 0, failedAttempts: 0, maxAttempts: 0, agent: null, decision: null }),
};
