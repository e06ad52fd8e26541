import type { Kysely, Transaction } from 'kysely';
import type { AccountsTables } from '../modules/accounts/accounts.tables.ts';
import type { AuditTables } from '../modules/audit/audit.tables.ts';
import type { BillingTables } from '../modules/billing/billing.tables.ts';
import type { DirectoryTables } from '../modules/directory/directory.tables.ts';
import type { FederationTables } from '../modules/federation/federation.tables.ts';
import type { ApiClientsTables } from '../modules/federation/api-clients.tables.ts';
import type { SamlTables } from '../modules/federation/saml.tables.ts';
import type { OrgDeletionTables } from '../modules/directory/org-deletion.tables.ts';
import type { JobsTables } from '../modules/jobs/jobs.tables.ts';
import type { MailTables } from '../modules/mail/mail.tables.ts';
import type { PrivacyTables } from '../modules/privacy/privacy.tables.ts';
import type { ChildReportTables } from '../modules/rights/child-reports.tables.ts';
import type { RightsTables } from '../modules/rights/rights.tables.ts';
import type { FulfilmentTables } from '../modules/rights/fulfilment.tables.ts';
import type { VerificationTables } from '../modules/rights/verification.tables.ts';
import type { KnowledgeBaseTables } from '../modules/support/kb.tables.ts';
import type { SupportTables } from '../modules/support/support.tables.ts';
import type { RadiusTables } from '../modules/radius/radius.tables.ts';
import type { GovernanceTables } from '../modules/governance/governance.tables.ts';
import type { IntegrationsTables } from '../modules/governance/integrations.tables.ts';
import type { EmailChangeRequestTables } from '../modules/governance/email-change-requests.tables.ts';

export interface InstanceSettingsTable {
  key: string;
  value: string;
}

export interface Database extends AccountsTables, AuditTables, MailTables, DirectoryTables, PrivacyTables, BillingTables, KnowledgeBaseTables, SupportTables, JobsTables, RightsTables, ChildReportTables, VerificationTables, OrgDeletionTables, FulfilmentTables, FederationTables, SamlTables, ApiClientsTables, RadiusTables, GovernanceTables, EmailChangeRequestTables, IntegrationsTables {
  instance_settings: InstanceSettingsTable;
}

/** Repositories take an executor so the same function works inside or outside a transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

export type DialectName = 'sqlite' | 'postgres';
