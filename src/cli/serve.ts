import type { Command } from 'commander';
import type { App } from '../app.ts';
import { configFrom, describeError, fail, portArg, withDataDir } from './common.ts';

/** How long SIGTERM/SIGINT waits for requests and mail in flight before the process exits anyway. */
export const SHUTDOWN_GRACE_MS = 10_000;

export function serveCommand(program: Command): void {
  withDataDir(program.command('serve'))
    .description('run the Castellan server (migrates the database first)')
    .option('--port <n>', 'port to listen on (default 8080, or CASTELLAN_PORT)', portArg)
    .action(async (opts: { dataDir?: string; port?: string }) => {
      let app: App;
      try {
        // Only `serve` runs the listeners: the other commands use the core alone, and never load Fastify.
        const { buildApp } = await import('../app.ts');
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
        if (stopping) {
          // A second signal: the operator does not want to wait.
          app.logger.warn({ signal }, 'stopping now, without waiting for work in flight');
          process.exit(1);
        }
        stopping = true;
        app.logger.info({ signal }, 'shutting down');
        // A hung SMTP transfer would otherwise keep the process alive for many minutes. Whatever is
        // still in flight when the grace period ends is retried once its lease runs out, as after a crash.
        setTimeout(() => {
          app.logger.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'shutdown took too long; stopping with work in flight');
          process.exit(1);
        }, SHUTDOWN_GRACE_MS).unref();
        try {
          await app.close();
        } catch (e) {
          app.logger.error({ err: describeError(e) }, 'shutdown failed');
          process.exit(1);
        }
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });
}
