export { createAudit, type Audit, type AuditEvent, type AuditEntryView, type VerifyResult } from './audit.service.ts';
export type { AuditFilter } from './audit.repository.ts';
export { canonicalJson, entryHash, GENESIS_HASH, type Checkpoint } from './audit.hash.ts';
export { createAuditPersonalData } from './personal-data.ts';
