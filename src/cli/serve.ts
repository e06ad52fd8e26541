import type { Command } from 'commander';
import type { App } from '../app.ts';
import { type CliIo, CliError, action, configFrom, describeError, portArg, withDataDir } from './common.ts';

/** How long SIGTERM/SIGINT waits for requests and mail in flight before the process exits anyway. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** Stops `app` on the first signal, within the grace period; a second signal stops at once. */
function stopOnSignals(io: CliIo, app: App): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // A second signal: the operator does not want to wait.
      app.logger.warn({ signal }, 'stopping now, without waiting for work in flight');
      io.exit(1);
      return;
    }
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    // A hung SMTP transfer would otherwise keep the process alive for many minutes. Whatever is
    // still in flight when the grace period ends is retried once its lease runs out, as after a crash.
    setTimeout(() => {
      app.logger.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'shutdown took too long; stopping with work in flight');
      io.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    try {
      await app.close();
    } catch (e) {
      app.logger.error({ err: describeError(e) }, 'shutdown failed');
      io.exit(1);
      return;
    }
    io.exit(0);
  };
  const on = io.onSignal ?? ((signal, listener) => process.on(signal, listener));
  on('SIGINT', () => void stop('SIGINT'));
  on('SIGTERM', () => void stop('SIGTERM'));
}

export function serveCommand(program: Command, io: CliIo): void {
  withDataDir(program.command('serve'))
    .description('run the Castellan server (migrates the database first)')
    .option('--port <n>', 'port to listen on (default 8080, or CASTELLAN_PORT)', portArg)
    .action(
      action(io, async (opts: { dataDir?: string; port?: string }) => {
        // Only `serve` runs the listeners: the other commands use the core alone, and never load Fastify.
        const { buildApp } = await import('../app.ts');
        const app = await buildApp({ ...io.core, config: configFrom(io, opts), logStream: io.core?.logStream ?? io.stdout });
        try {
          const address = await app.listen();
          app.logger.info({ address, database: app.database.description, dataDir: app.config.dataDir }, 'castellan listening');
          if (io.stdout.isTTY) io.stderr.write(`Castellan is running at ${app.config.publicUrl}\n`);
        } catch (e) {
          await app.close();
          throw new CliError(describeError(e), 1);
        }
        stopOnSignals(io, app);
      }),
    );
}
