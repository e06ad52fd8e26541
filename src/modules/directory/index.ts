export { createDirectory, type Directory } from './directory.service.ts';
export type { DirectoryDeps, Page } from './directory.deps.ts';
export { DirectoryErrors } from './directory.errors.ts';
export type { AccessDecision, AccessVia } from './access.service.ts';
export type { GroupView } from './groups.service.ts';
export { RESOURCE_KINDS, type ResourceKind, type ResourceView, type BindingView } from './resources.service.ts';
export { PLANS, FREE_USER_LIMIT, userLimit } from './plans.service.ts';
export type { TransferFormat } from './transfer.formats.ts';
export type { TransferActor, ImportResult } from './transfer.service.ts';
