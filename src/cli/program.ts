import { Command } from 'commander';
import { auditCommand } from './audit.ts';
import { contactsCommand } from './contacts.ts';
import { mailCommand } from './mail.ts';
import { migrateCommand } from './migrate.ts';
import { serveCommand } from './serve.ts';
import { staffCommand } from './staff.ts';
import { supportCommand } from './support.ts';
import { transferCommands } from './transfer.ts';

export function buildProgram(): Command {
  const program = new Command('castellan')
    .description('Castellan: a directory-as-a-service whose privacy and support promises are enforced in code')
    .version('0.1.0')
    // Usage errors are one line on stderr: commander's message (its "did you mean" included) and a hint.
    .configureOutput({
      outputError: (s, write) =>
        write(
          `castellan: ${s
            .replace(/^error: /, '')
            .trim()
            .replace(/\s*\n\s*/g, ' ')} (run castellan --help for usage)\n`,
        ),
    })
    // Usage errors exit 2, like other Unix tools; help and --version exit 0. Set before the
    // subcommands are added, so they inherit it.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  // contactsCommand adds `export contacts` to the `export` group transferCommands creates: keep it after.
  for (const add of [serveCommand, migrateCommand, staffCommand, auditCommand, transferCommands, mailCommand, contactsCommand, supportCommand]) add(program);
  return program;
}
