import { createAccess } from './access.service.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import { createGroups } from './groups.service.ts';
import { createPlans } from './plans.service.ts';
import { createResources } from './resources.service.ts';
import { createTransfer } from './transfer.service.ts';
import { createDirectoryUsers } from './users.service.ts';

export function createDirectory(deps: DirectoryDeps) {
  return {
    users: createDirectoryUsers(deps),
    groups: createGroups(deps),
    resources: createResources(deps),
    access: createAccess(deps),
    plans: createPlans(deps),
    transfer: createTransfer(deps),
  };
}

export type Directory = ReturnType<typeof createDirectory>;
