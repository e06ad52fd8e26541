export interface SupportTicketsTable {
  id: string;
  org_id: string;
  /** @personal */
  opened_by: string | null;
  /** @personal */
  requester_name: string;
  /** @personal */
  subject: string;
  environment: string;
  production_impact: number;
  system_version: string | null;
  eol_system: string | null;
  eol_version: string | null;
  eol_on: string | null;
  priority: string;
  status: string;
  channel: string;
  plan: string;
  eligibility: string;
  eligibility_reason: string;
  full_support_until: string | null;
  critical_defect: number;
  specialist_id: string | null;
  close_reason: string | null;
  close_note: string | null;
  /** When the service-level clock started: at opening, or when a limited ticket became eligible. Null: no targets apply. */
  sla_started_at: string | null;
  /** Business seconds spent waiting on the customer (or closed) since the clock started. */
  sla_paused_seconds: number;
  /** Set while the clock is paused (waiting on the customer, or closed). */
  sla_paused_since: string | null;
  first_response_due_at: string | null;
  first_responded_at: string | null;
  /** The customer message awaiting a staff answer, once the first response was given. */
  next_response_started_at: string | null;
  /** sla_paused_seconds when that next-response clock started. */
  next_response_pause_base: number;
  next_response_due_at: string | null;
  resolution_due_at: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface SupportMessagesTable {
  id: string;
  ticket_id: string;
  org_id: string;
  seq: number;
  author_kind: string;
  /** @personal */
  author_id: string | null;
  /** @personal */
  author_name: string;
  /** @personal */
  body: string;
  channel: string;
  message_id: string | null;
  auto_submitted: number;
  created_at: string;
}

export interface SupportAttachmentsTable {
  id: string;
  ticket_id: string;
  message_id: string;
  org_id: string;
  /** @personal */
  filename: string;
  content_type: string;
  size: number;
  /** @personal */
  content: Buffer;
  created_at: string;
}

export interface SupportSlaTargetsTable {
  plan: string;
  priority: string;
  first_response_hours: number;
  next_response_hours: number;
  resolution_hours: number;
  updated_at: string;
  updated_by: string | null;
}

export interface SupportSpecialistsTable {
  org_id: string;
  staff_id: string;
  assigned_at: string;
  assigned_by: string | null;
}

export interface SupportVerificationsTable {
  id: string;
  ticket_id: string;
  org_id: string;
  action: string;
  /** @personal */
  target_user_id: string;
  requested_by: string;
  /** @personal */
  admin_id: string;
  token_hash: string;
  status: string;
  created_at: string;
  expires_at: string;
  confirmed_at: string | null;
  used_at: string | null;
}

export interface SupportTables {
  support_tickets: SupportTicketsTable;
  support_messages: SupportMessagesTable;
  support_attachments: SupportAttachmentsTable;
  support_sla_targets: SupportSlaTargetsTable;
  support_specialists: SupportSpecialistsTable;
  support_verifications: SupportVerificationsTable;
}
