import { createHmac } from 'node:crypto';
import { type Kysely, type Migration, sql } from 'kysely';
import { isSqlite } from './util.ts';

/** What this migration needs beyond the database: the audit key, to seal the log written so far. */
export interface AuditKeyContext {
  auditKey?: Buffer | undefined;
}

/**
 * SEC-1: the audit chain is keyed from here on. Entries written before keep their public SHA-256
 * links; every later entry's hash is an HMAC with the audit key, which lives in the data directory
 * (or the operator's environment) and never in the database. The head records where the keyed
 * part starts (`keyed_from`) and a seal: an HMAC of the last unkeyed entry's position and hash. So
 * whoever can write the database but has not the key can neither rewrite a keyed entry nor
 * rewrite the older ones (their last hash is sealed, and the first keyed entry links to it).
 *
 * The head gets the log's triggers: it cannot be deleted, duplicated or moved back; it moves one
 * entry forward at a time, and its seal is set once.
 */
export function keyAuditChain(ctx: AuditKeyContext): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('audit_head').addColumn('keyed_from', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      await db.schema.alterTable('audit_head').addColumn('seal', 'text').execute();
      const head = (await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow()) as { seq: number | string; hash: string };
      const seq = Number(head.seq);
      if (seq > 0 && !ctx.auditKey) throw new Error('the audit log has entries: upgrading it needs the audit key (start Castellan, or run castellan migrate, with its data directory)');
      // The seal of an empty log is set by the first entry, by a node that has the key.
      const seal = ctx.auditKey ? createHmac('sha256', ctx.auditKey).update(`castellan-audit-seal\n${seq}\n${head.hash}`).digest('hex') : null;
      await db.updateTable('audit_head').set({ keyed_from: seq + 1, seal }).where('id', '=', 1).execute();

      if (isSqlite(db)) {
        await sql`create trigger audit_head_no_delete before delete on audit_head
          begin select raise(abort, 'audit_head only moves forward'); end`.execute(db);
        await sql`create trigger audit_head_no_insert before insert on audit_head
          begin select raise(abort, 'audit_head only moves forward'); end`.execute(db);
        await sql`create trigger audit_head_forward before update on audit_head
          when not (
            new.id = old.id and new.keyed_from = old.keyed_from and (
              (new.seq = old.seq + 1 and new.seal is old.seal and old.seal is not null)
              or (new.seq = old.seq + 1 and old.seq = 0 and old.seal is null and new.seal is not null)
            )
          )
          begin select raise(abort, 'audit_head only moves forward'); end`.execute(db);
      } else {
        await sql`create function audit_head_forward_only() returns trigger language plpgsql as $$
          begin raise exception 'audit_head only moves forward'; end $$`.execute(db);
        await sql`create trigger audit_head_no_delete before delete or insert on audit_head
          for each row execute function audit_head_forward_only()`.execute(db);
        await sql`create trigger audit_head_forward before update on audit_head for each row
          when (not (
            new.id = old.id and new.keyed_from = old.keyed_from and (
              (new.seq = old.seq + 1 and new.seal is not distinct from old.seal and old.seal is not null)
              or (new.seq = old.seq + 1 and old.seq = 0 and old.seal is null and new.seal is not null)
            )
          ))
          execute function audit_head_forward_only()`.execute(db);
        await sql`create trigger audit_head_no_truncate before truncate on audit_head
          for each statement execute function audit_head_forward_only()`.execute(db);
        await sql`create trigger audit_log_no_truncate before truncate on audit_log
          for each statement execute function audit_head_forward_only()`.execute(db);
      }
    },

    async down(db: Kysely<any>): Promise<void> {
      if (isSqlite(db)) {
        for (const t of ['audit_head_no_delete', 'audit_head_no_insert', 'audit_head_forward']) await sql`drop trigger if exists ${sql.raw(t)}`.execute(db);
      } else {
        await sql`drop trigger if exists audit_head_no_delete on audit_head`.execute(db);
        await sql`drop trigger if exists audit_head_forward on audit_head`.execute(db);
        await sql`drop trigger if exists audit_head_no_truncate on audit_head`.execute(db);
        await sql`drop trigger if exists audit_log_no_truncate on audit_log`.execute(db);
        await sql`drop function if exists audit_head_forward_only()`.execute(db);
      }
      await db.schema.alterTable('audit_head').dropColumn('seal').execute();
      await db.schema.alterTable('audit_head').dropColumn('keyed_from').execute();
    },
  };
}
