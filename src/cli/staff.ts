import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { type Command, Option } from 'commander';
import { systemContext } from '../core/context.ts';
import { STAFF_ROLES } from '../core/caller.ts';
import { type CliIo, type GlobalOptions, OPERATOR, action, fail, withCore, withDataDir } from './common.ts';

async function readStdin(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Prompts without echoing what is typed. */
async function prompt(io: CliIo, question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) io.stderr.write(String(chunk));
      cb();
    },
  });
  const rl = createInterface({ input: io.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      io.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

export async function readPassword(io: CliIo): Promise<string> {
  if (!io.stdin.isTTY) return readStdin(io);
  const first = await prompt(io, 'Password: ');
  const second = await prompt(io, 'Repeat password: ');
  if (first !== second) fail('the passwords do not match');
  return first;
}

export function staffCommand(program: Command, io: CliIo): void {
  const staff = program.command('staff').description("manage the operator's staff accounts");
  withDataDir(staff.command('add'))
    .description('add a staff member (password from stdin when it is not a terminal, prompted otherwise)')
    .requiredOption('--email <email>', 'their email address')
    .addOption(new Option('--role <role>', 'what they may do').choices([...STAFF_ROLES]).makeOptionMandatory())
    .option('--name <name>', 'their name (default: the part of the email before @)')
    .action(
      action(io, async (opts: GlobalOptions & { email: string; role: string; name?: string }) => {
        const password = await readPassword(io);
        await withCore(io, opts, async (app) => {
          const user = await app.accounts.addStaff(systemContext(), OPERATOR, { email: opts.email, name: opts.name, role: opts.role, password });
          io.stdout.write(`added ${user.staffRole} ${user.email} (${user.id})\n`);
        });
      }),
    );
}
