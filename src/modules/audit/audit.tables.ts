export interface AuditLogTable {
  /** Position in the chain: 1, 2, 3, ... without gaps. */
  seq: number;
  id: string;
  at: string;
  org_id: string | null;
  actor_type: string;
  /** @personal */
  actor_id: string | null;
  action: string;
  target_type: string | null;
  /** @personal */
  target_id: string | null;
  /** @personal */
  ip: string | null;
  request_id: string | null;
  /** @personal */
  details: string;
  prev_hash: string;
  hash: string;
}

/** One row (id = 1): the newest entry, so that removing the last entry is detected too. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
  /** The first keyed entry: those before it were written before the chain was keyed. */
  keyed_from: number;
  /** HMAC of the last unkeyed entry's position and hash; set once (null only while the log is empty). */
  seal: string | null;
}

export interface AuditTables {
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
}
