import type { Command } from 'commander';
import { buildApp } from '../app.ts';
import { configFrom, describeError, fail, portArg, withDataDir } from './common.ts';

export function serveCommand(program: Command): void {
  withDataDir(program.command('serve'))
    .description('run the Castellan server (migrates the database first)')
    .option('--port <n>', 'port to listen on (default 8080, or CASTELLAN_PORT)', portArg)
    .action(async (opts: { dataDir?: string; port?: string }) => {
      let app: Awaited<ReturnType<typeof buildApp>>;
      try {
        app = await buildApp({ config: configFrom(opts) });
      } catch (e) {
        fail(describeError(e), 1);
      }
      try {
        const address = await app.listen();
        app.logger.info({ address, database: app.database.description, dataDir: app.config.dataDir }, 'castellan listening');
        if (process.stdout.isTTY) process.stderr.write(`Castellan is running at ${app.config.publicUrl}\n`);
      } catch (e) {
        await app.close();
        fail(describeError(e), 1);
      }
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        app.logger.info({ signal }, 'shutting down');
        await app.close();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });
}
