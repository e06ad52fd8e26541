import { type Command, Option } from 'commander';
import { type MembershipStatus } from '../core/caller.ts';
import { systemContext } from '../core/context.ts';
import { CommonErrors, isAppError } from '../core/errors.ts';
import type { Core } from '../core.ts';
import type { MemberView } from '../modules/directory/index.ts';
import { CliError, type CliIo, type GlobalOptions, OPERATOR, action, withCore, withDataDir } from './common.ts';

const STATUSES: readonly MembershipStatus[] = ['invited', 'active', 'suspended'];
/** The largest page the directory's list answers. */
const PAGE = 200;

type OrgOptions = GlobalOptions & { org: string };
type UserOptions = OrgOptions & { user: string };

/**
 * The directory's refusals, said for the command line: an unknown organization or user by its
 * id (exit 1), bad input exit 2 like a bad flag, a rate limit with when to try again (exit 1).
 */
function explain(app: Core, opts: OrgOptions & { user?: string }) {
  return async (e: unknown): Promise<never> => {
    if (!isAppError(e)) throw e;
    if (e.is(CommonErrors.notFound)) {
      const org = await app.directory.organizations.find(opts.org);
      throw new CliError(!org || opts.user === undefined ? `no organization ${opts.org}` : `no user ${opts.user} in organization ${opts.org}`, 1);
    }
    if (e.kind === 'invalid') throw new CliError(e.message, 2);
    if (e.kind === 'rate_limited' && e.retryAfterSeconds) throw new CliError(`${e.message} (try again in ${Math.ceil(e.retryAfterSeconds / 60)} minute(s))`, 1);
    throw e;
  };
}

/** Every member of the organization with `status` (all when undefined), by name, page by page through the directory's own list. */
async function allMembers(app: Core, orgId: string, status: MembershipStatus | undefined): Promise<MemberView[]> {
  if (!(await app.directory.organizations.find(orgId))) throw new CliError(`no organization ${orgId}`, 1);
  const out: MemberView[] = [];
  let cursor: string | undefined;
  do {
    const page = await app.directory.users.list(OPERATOR, orgId, { limit: PAGE, sort: 'name', order: 'asc', ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** Aligned columns for people, with a header line; `-` for what is not set. */
export function table(rows: readonly (readonly (string | null)[])[]): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === '' ? '-' : c.replace(/[\t\n\r]/g, ' '))));
  const widths = cells[0]?.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length))) ?? [];
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n') + '\n';
}

const HEADER = ['ID', 'STATUS', 'ROLE', 'USERNAME', 'EMAIL', 'NAME', 'LAST SIGN-IN'] as const;
const row = (m: MemberView) => [m.id, m.status, m.orgRole, m.username, m.email, m.name, m.lastSignInAt];

function listCommand(users: Command, io: CliIo): void {
  withDataDir(users.command('list'))
    .description("list an organization's users (memberships), invited ones included")
    .requiredOption('--org <id>', 'the organization')
    .addOption(new Option('--status <status>', 'only users in this state').choices([...STATUSES]))
    .option('--json', 'print a JSON array of users (the API\'s User objects) instead of a table')
    .action(
      action(io, (opts: OrgOptions & { status?: MembershipStatus; json?: boolean }) =>
        withCore(io, opts, async (app) => {
          const members = await allMembers(app, opts.org, opts.status);
          if (opts.json) io.stdout.write(`${JSON.stringify(members, null, 2)}\n`);
          else if (members.length > 0) io.stdout.write(table([HEADER, ...members.map(row)]));
          io.stderr.write(`${members.length} user(s)\n`);
        }),
      ),
    );
}

function inviteCommand(users: Command, io: CliIo): void {
  withDataDir(users.command('invite'))
    .description('invite a person into an organization by email (within the plan limit and the invitation rate limits); they accept from the mail')
    .requiredOption('--org <id>', 'the organization')
    .requiredOption('--email <email>', 'their email address')
    .requiredOption('--name <name>', 'their name')
    .option('--username <username>', 'their POSIX username (default: from the email address)')
    .action(
      action(io, (opts: OrgOptions & { email: string; name: string; username?: string }) =>
        withCore(io, opts, async (app) => {
          const input = { email: opts.email, name: opts.name, ...(opts.username !== undefined ? { username: opts.username } : {}) };
          // The answer is the same whether or not the address has an account (DIR-1, ACC-7).
          const m = await app.directory.users.invite(systemContext(), OPERATOR, opts.org, input).catch(explain(app, opts));
          await app.jobRunner.drain();
          io.stdout.write(`invited ${m.email} as ${m.username ?? '-'} (${m.id})\n`);
        }),
      ),
    );
}

function resendCommand(users: Command, io: CliIo): void {
  withDataDir(users.command('resend'))
    .description('send a pending invitation again with a new link (the previous link stops working)')
    .requiredOption('--org <id>', 'the organization')
    .requiredOption('--user <id>', 'the invited user')
    .action(
      action(io, (opts: UserOptions) =>
        withCore(io, opts, async (app) => {
          const m = await app.directory.users.resendInvitation(systemContext(), OPERATOR, opts.org, opts.user).catch(explain(app, opts));
          await app.jobRunner.drain();
          io.stdout.write(`sent the invitation to ${m.email} again (${m.id})\n`);
        }),
      ),
    );
}

function revokeCommand(users: Command, io: CliIo): void {
  withDataDir(users.command('revoke'))
    .description('withdraw a pending invitation: the invited user goes, and the seat is free again')
    .requiredOption('--org <id>', 'the organization')
    .requiredOption('--user <id>', 'the invited user')
    .action(
      action(io, (opts: UserOptions) =>
        withCore(io, opts, async (app) => {
          const m = await app.directory.users.get(OPERATOR, opts.org, opts.user).catch(explain(app, opts));
          await app.directory.users.revokeInvitation(systemContext(), OPERATOR, opts.org, opts.user).catch(explain(app, opts));
          io.stdout.write(`withdrew the invitation to ${m.email} (${m.id})\n`);
        }),
      ),
    );
}

/** DIR-2, DIR-4: `castellan users`, an organization's memberships, as the operator through the directory's use cases. */
export function usersCommand(program: Command, io: CliIo): void {
  const users = program.command('users').description("an organization's users: list, invite, re-send and withdraw invitations");
  for (const add of [listCommand, inviteCommand, resendCommand, revokeCommand]) add(users, io);
}
