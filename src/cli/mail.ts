import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type Core, buildCore } from '../core.ts';
import { systemContext } from '../core/context.ts';
import { isAppError } from '../core/errors.ts';
import { configFrom, describeError, fail, progress, withDataDir, OPERATOR } from './common.ts';

/**
 * PRV-7: `castellan mail campaign`, as the operator. The messages are queued
 * in the outbox; the server's mail workers send them (and serve the
 * unsubscribe links they carry).
 */
export function mailCommand(program: Command): void {
  const mail = program.command('mail').description('marketing mail');
  withDataDir(mail.command('campaign'))
    .description('send a marketing campaign to everyone who allows marketing email; each message carries a one-click unsubscribe')
    .requiredOption('--list <list>', 'the list, a short slug such as newsletter')
    .requiredOption('--subject <subject>', 'the subject line')
    .requiredOption('--body-file <file>', 'the plain-text body (UTF-8)')
    .option('--html-file <file>', 'an HTML body as well (it gets an open-tracking pixel for recipients who allow analytics)')
    .action(async (opts: { list: string; subject: string; bodyFile: string; htmlFile?: string; dataDir?: string }) => {
      let app: Core | undefined;
      try {
        const text = readFileSync(opts.bodyFile, 'utf8');
        const html = opts.htmlFile === undefined ? undefined : readFileSync(opts.htmlFile, 'utf8');
        app = await buildCore({ config: configFrom(opts) });
        const bar = progress('queueing');
        const campaign = await app.privacy.marketing.sendCampaign(systemContext(), OPERATOR, { list: opts.list, subject: opts.subject, text, html }, bar.update);
        bar.end();
        process.stdout.write(`queued ${campaign.recipients} message(s) for list ${campaign.list} (campaign ${campaign.id})\n`);
      } catch (e) {
        await app?.close();
        fail(isAppError(e) ? e.message : describeError(e), 1);
      }
      await app.close();
    });
}
