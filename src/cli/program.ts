import { Command, CommanderError } from 'commander';
import { auditCommand } from './audit.ts';
import { type CliIo, processIo } from './common.ts';
import { contactsCommand } from './contacts.ts';
import { mailCommand } from './mail.ts';
import { migrateCommand } from './migrate.ts';
import { oidcCommand } from './oidc.ts';
import { orgCommand } from './org.ts';
import { privacyCommand } from './privacy.ts';
import { serveCommand } from './serve.ts';
import { staffCommand } from './staff.ts';
import { supportCommand } from './support.ts';
import { transferCommands } from './transfer.ts';
import { usersCommand } from './users.ts';

/** The whole command line over `io`: the process's own in `main.ts`, a test's buffers in tests. */
export function buildProgram(io: CliIo = processIo()): Command {
  const program = new Command('castellan')
    .description('Castellan: a directory-as-a-service whose privacy and support promises are enforced in code')
    .version('0.1.0')
    // Usage errors are one line on stderr: commander's message (its "did you mean" included) and a hint.
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      getOutHelpWidth: () => io.stdout.columns ?? 80,
      getErrHelpWidth: () => io.stderr.columns ?? 80,
      outputError: (s, write) =>
        write(
          `castellan: ${s
            .replace(/^error: /, '')
            .trim()
            .replace(/\s*\n\s*/g, ' ')} (run castellan --help for usage)\n`,
        ),
    })
    // Usage errors exit 2, like other Unix tools; help and --version exit 0. Set before the
    // subcommands are added, so they inherit it. Commander expects the callback to throw.
    .exitOverride((err) => {
      io.exit(err.exitCode === 0 ? 0 : 2);
      throw err;
    });
  // contactsCommand adds `export contacts` to the `export` group transferCommands creates: keep it after.
  for (const add of [serveCommand, migrateCommand, staffCommand, auditCommand, orgCommand, usersCommand, transferCommands, mailCommand, contactsCommand, supportCommand, privacyCommand, oidcCommand]) {
    add(program, io);
  }
  return program;
}

/**
 * Runs one command line (`args` without the node and script names) to its end. Usage errors and
 * help have already been written and `io.exit` called when commander gives up; nothing is thrown.
 */
export async function runProgram(args: readonly string[], io: CliIo = processIo()): Promise<void> {
  try {
    await buildProgram(io).parseAsync([...args], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
  }
}
