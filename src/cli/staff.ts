import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { type Command, Option } from 'commander';
import { type Core, buildCore } from '../core.ts';
import { systemContext } from '../core/context.ts';
import { isAppError } from '../core/errors.ts';
import { STAFF_ROLES } from '../core/caller.ts';
import { configFrom, describeError, fail, OPERATOR, withDataDir } from './common.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Prompts without echoing what is typed. */
async function prompt(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) process.stderr.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

export async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readStdin();
  const first = await prompt('Password: ');
  const second = await prompt('Repeat password: ');
  if (first !== second) fail('the passwords do not match');
  return first;
}

export function staffCommand(program: Command): void {
  const staff = program.command('staff').description("manage the operator's staff accounts");
  withDataDir(staff.command('add'))
    .description('add a staff member (password from stdin when it is not a terminal, prompted otherwise)')
    .requiredOption('--email <email>', 'their email address')
    .addOption(new Option('--role <role>', 'what they may do').choices([...STAFF_ROLES]).makeOptionMandatory())
    .option('--name <name>', 'their name (default: the part of the email before @)')
    .action(async (opts: { email: string; role: string; name?: string; dataDir?: string }) => {
      let app: Core | undefined;
      try {
        const password = await readPassword();
        app = await buildCore({ config: configFrom(opts) });
        const user = await app.accounts.addStaff(systemContext(), OPERATOR, {
          email: opts.email,
          name: opts.name,
          role: opts.role,
          password,
        });
        process.stdout.write(`added ${user.staffRole} ${user.email} (${user.id})\n`);
      } catch (e) {
        await app?.close();
        fail(isAppError(e) ? e.message : describeError(e), 1);
      }
      await app.close();
    });
}
