import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { systemContext } from '../core/context.ts';
import { CONTACT_PURPOSES, type ContactFormat, type ContactPurpose } from '../modules/privacy/index.ts';
import { type CliIo, type GlobalOptions, OPERATOR, action, withCore, withDataDir } from './common.ts';

/** The `export` group, shared with `export users`: found when already there, added otherwise. */
function exportGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'export') ?? program.command('export').description('bulk export');
}

/** PRV-7: `castellan export contacts`: a direct-mail or telemarketing list of people with a recorded opt-in, and only them. */
export function contactsCommand(program: Command, io: CliIo): void {
  withDataDir(exportGroup(program).command('contacts'))
    .description('export the people with a recorded opt-in for direct mail or telemarketing (id, name, email, organization name and address, phone)')
    .addOption(new Option('--purpose <purpose>', 'what the list is for').choices([...CONTACT_PURPOSES]).makeOptionMandatory())
    .addOption(new Option('--format <format>', 'the file format').choices(['csv']).default('csv'))
    .option('--out <file>', 'write to this file instead of standard output')
    .action(
      action(io, (opts: GlobalOptions & { purpose: ContactPurpose; format: ContactFormat; out?: string }) =>
        withCore(io, opts, async (app) => {
          const { text, count } = await app.privacy.marketing.exportContacts(systemContext(), OPERATOR, opts.purpose, opts.format);
          if (opts.out) {
            writeFileSync(opts.out, text, { mode: 0o600 });
            io.stderr.write(`exported ${count} contact(s) to ${opts.out}\n`);
          } else io.stdout.write(text);
        }),
      ),
    );
}
