import type { Command } from 'commander';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { loadKeys } from '../secrets.ts';
import { configFrom, describeError, fail, withDataDir } from './common.ts';

export function migrateCommand(program: Command): void {
  withDataDir(program.command('migrate'))
    .description('bring the database schema up to date')
    .action(async (opts: { dataDir?: string }) => {
      let handle: ReturnType<typeof openDatabase> | undefined;
      try {
        const config = configFrom(opts);
        handle = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
        process.stderr.write(`migrating ${handle.description}\n`);
        const results = await migrateToLatest(
          handle.db,
          (r) => process.stderr.write(`  ${r.status === 'Success' ? 'applied' : r.status.toLowerCase()} ${r.migrationName}\n`),
          { auditKey: loadKeys(config).audit },
        );
        process.stdout.write(results.length === 0 ? 'database is up to date\n' : `applied ${results.length} migration(s)\n`);
      } catch (e) {
        await handle?.destroy();
        fail(describeError(e), 1);
      }
      await handle.destroy();
    });
}
