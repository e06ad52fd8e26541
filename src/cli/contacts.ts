import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { type Core, buildCore } from '../core.ts';
import { systemContext } from '../core/context.ts';
import { isAppError } from '../core/errors.ts';
import { CONTACT_PURPOSES, type ContactFormat, type ContactPurpose } from '../modules/privacy/index.ts';
import { configFrom, describeError, fail, withDataDir, OPERATOR } from './common.ts';

/** The `export` group, shared with `export users`: found when already there, added otherwise. */
function exportGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'export') ?? program.command('export').description('bulk export');
}

/** PRV-7: `castellan export contacts`: a direct-mail or telemarketing list of people with a recorded opt-in, and only them. */
export function contactsCommand(program: Command): void {
  withDataDir(exportGroup(program).command('contacts'))
    .description('export the people with a recorded opt-in for direct mail or telemarketing (id, name, email, organization name and address, phone)')
    .addOption(new Option('--purpose <purpose>', 'what the list is for').choices([...CONTACT_PURPOSES]).makeOptionMandatory())
    .addOption(new Option('--format <format>', 'the file format').choices(['csv']).default('csv'))
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (opts: { purpose: ContactPurpose; format: ContactFormat; out?: string; dataDir?: string }) => {
      let app: Core | undefined;
      try {
        app = await buildCore({ config: configFrom(opts) });
        const { text, count } = await app.privacy.marketing.exportContacts(systemContext(), OPERATOR, opts.purpose, opts.format);
        if (opts.out) {
          writeFileSync(opts.out, text, { mode: 0o600 });
          process.stderr.write(`exported ${count} contact(s) to ${opts.out}\n`);
        } else process.stdout.write(text);
      } catch (e) {
        await app?.close();
        fail(isAppError(e) ? e.message : describeError(e), 1);
      }
      await app.close();
    });
}
