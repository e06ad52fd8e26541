import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { systemClock } from '../core/clock.ts';
import { createAudit } from '../modules/audit/index.ts';
import { loadKeys } from '../secrets.ts';
import { configFrom, describeError, fail, progress, withDataDir } from './common.ts';

export function auditCommand(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  withDataDir(audit.command('verify'))
    .description('check every entry of the audit log; exits 0 when intact, 1 naming the first bad entry')
    .action(async (opts: { dataDir?: string }) => {
      let handle: ReturnType<typeof openDatabase> | undefined;
      let ok = false;
      try {
        const config = configFrom(opts);
        // Verifying must not create a database: a mistyped --data-dir would otherwise report an empty log as intact.
        const file = path.join(config.dataDir, 'castellan.db');
        if (!config.databaseUrl && !existsSync(file)) {
          fail(`no database at ${file} (check --data-dir or CASTELLAN_DATA_DIR)`, 2);
        }
        handle = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
        const keys = loadKeys(config);
        await migrateToLatest(handle.db, undefined, { auditKey: keys.audit });
        const bar = progress('verifying');
        const result = await createAudit({ db: handle.db, dialect: handle.dialect, clock: systemClock, key: keys.audit }).verify(bar.update);
        bar.end();
        if (result.ok) {
          process.stdout.write(`audit log intact: ${result.entries} entries\n`);
          ok = true;
        } else {
          const { seq, id, reason } = result.firstBad;
          process.stdout.write(`audit log broken at entry ${seq}${id ? ` (${id})` : ''}: ${reason}\n`);
        }
      } catch (e) {
        await handle?.destroy();
        fail(describeError(e), 2);
      }
      await handle.destroy();
      process.exit(ok ? 0 : 1);
    });
}
