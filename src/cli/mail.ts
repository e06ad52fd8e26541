import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { systemContext } from '../core/context.ts';
import { type CliIo, type GlobalOptions, OPERATOR, action, progress, withCore, withDataDir } from './common.ts';

/**
 * PRV-7: `castellan mail campaign`, as the operator. The messages are queued
 * in the outbox; the server's mail workers send them (and serve the
 * unsubscribe links they carry).
 */
export function mailCommand(program: Command, io: CliIo): void {
  const mail = program.command('mail').description('marketing mail');
  withDataDir(mail.command('campaign'))
    .description('send a marketing campaign to everyone who allows marketing email; each message carries a one-click unsubscribe')
    .requiredOption('--list <list>', 'the list, a short slug such as newsletter')
    .requiredOption('--subject <subject>', 'the subject line')
    .requiredOption('--body-file <file>', 'the plain-text body (UTF-8)')
    .option('--html-file <file>', 'an HTML body as well (it gets an open-tracking pixel for recipients who allow analytics)')
    .action(
      action(io, async (opts: GlobalOptions & { list: string; subject: string; bodyFile: string; htmlFile?: string }) => {
        const text = readFileSync(opts.bodyFile, 'utf8');
        const html = opts.htmlFile === undefined ? undefined : readFileSync(opts.htmlFile, 'utf8');
        await withCore(io, opts, async (app) => {
          const bar = progress(io, 'queueing');
          const campaign = await app.privacy.marketing.sendCampaign(systemContext(), OPERATOR, { list: opts.list, subject: opts.subject, text, html }, bar.update);
          bar.end();
          io.stdout.write(`queued ${campaign.recipients} message(s) for list ${campaign.list} (campaign ${campaign.id})\n`);
        });
      }),
    );
}
