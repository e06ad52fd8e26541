import type { Command } from 'commander';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { loadKeys } from '../secrets.ts';
import { type CliIo, type GlobalOptions, action, configFrom, withDataDir } from './common.ts';

export function migrateCommand(program: Command, io: CliIo): void {
  withDataDir(program.command('migrate'))
    .description('bring the database schema up to date')
    .action(
      action(io, async (opts: GlobalOptions) => {
        const config = configFrom(io, opts);
        const handle = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
        try {
          io.stderr.write(`migrating ${handle.description}\n`);
          const results = await migrateToLatest(
            handle.db,
            (r) => io.stderr.write(`  ${r.status === 'Success' ? 'applied' : r.status.toLowerCase()} ${r.migrationName}\n`),
            { auditKey: loadKeys(config).audit },
          );
          io.stdout.write(results.length === 0 ? 'database is up to date\n' : `applied ${results.length} migration(s)\n`);
        } finally {
          await handle.destroy();
        }
      }),
    );
}
