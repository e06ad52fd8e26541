import { createDesk } from './desk.service.ts';
import { createInbound } from './inbound.service.ts';
import { createSupportSettings } from './settings.service.ts';
import type { SupportDeps } from './support.deps.ts';
import { createDeskCore } from './tickets.core.ts';
import { createTickets } from './tickets.service.ts';
import { createVerifications } from './verifications.service.ts';

/** The support desk (SUP-1..SUP-6): every edge (HTTP, inbound mail, CLI) calls these. */
export function createSupport(deps: SupportDeps) {
  const core = createDeskCore(deps);
  const tickets = createTickets(deps, core);
  const desk = createDesk(deps, core);
  const inbound = createInbound(deps, tickets);
  return {
    tickets: { ...tickets, receiveMail: inbound.receiveMail },
    desk,
    settings: createSupportSettings(deps, core),
    verifications: createVerifications(deps, desk),
  };
}

export type Support = ReturnType<typeof createSupport>;
