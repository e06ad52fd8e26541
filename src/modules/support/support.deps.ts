import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database, DialectName } from '../../db/schema.ts';
import type { Throttle } from '../accounts/index.ts';
import type { Audit } from '../audit/index.ts';
import type { Mail } from '../mail/index.ts';

/** A knowledge-base article offered as an answer (SUP-2, SUP-7). */
export interface ArticleSuggestion {
  slug: string;
  title: string;
  /** The public page of the article. */
  url: string;
}

/** What the knowledge base knows of a system version named on a ticket (SUP-7). */
export interface SystemVersionStatus {
  system: string;
  version: string;
  /** True once the version's end-of-life date has passed. */
  endOfLife: boolean;
  /** YYYY-MM-DD, when one is known. */
  endOfLifeOn: string | null;
}

/** The knowledge base as the ticket desk uses it. */
export interface KnowledgeBaseLookup {
  /** Up to `limit` published articles that best match the text (full-text search); [] when none. */
  suggest(text: string, limit: number): Promise<ArticleSuggestion[]>;
  /** The listed system version the free text names (e.g. "Ubuntu 18.04.6"), or null when none is listed. */
  checkSystemVersion(text: string, at: Date): Promise<SystemVersionStatus | null>;
}

export interface SupportConfig {
  /** Links in mail point here. */
  publicUrl: string;
  /** The address customers write to and replies come from (SUP-1). */
  supportAddress: string;
  /** Largest single attachment, in bytes. */
  maxAttachmentBytes: number;
}

export interface SupportDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  audit: Audit;
  mail: Mail;
  kb: KnowledgeBaseLookup;
  throttle: Throttle;
  secretKey: Buffer;
  config: SupportConfig;
}
