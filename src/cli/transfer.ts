import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { systemContext } from '../core/context.ts';
import { isAppError } from '../core/errors.ts';
import type { ImportResult, TransferFormat } from '../modules/directory/index.ts';
import { type CliIo, type GlobalOptions, OPERATOR, action, progress, withCore, withDataDir } from './common.ts';
import { noSuchOrganization } from './org.ts';

const formatOption = () => new Option('--format <format>', 'csv or ldif').choices(['csv', 'ldif']);

/** Every problem of a refused import, one line each, by line number, before the error's own line. */
function reportProblems(io: CliIo, e: unknown): void {
  if (!isAppError(e) || !Array.isArray(e.details?.problems)) return;
  const problems = e.details.problems as Array<{ line: number; field?: string; message: string }>;
  for (const p of problems) io.stderr.write(`line ${p.line}${p.field ? ` (${p.field})` : ''}: ${p.message}\n`);
  const more = Number(e.details.problemCount) - problems.length;
  if (more > 0) io.stderr.write(`… and ${more} more\n`);
}

/** What an import did: one line on stdout; a note on stderr for the password hashes it did not keep. */
function reportImport(io: CliIo, r: ImportResult, keep: boolean): void {
  const parts = [`imported ${r.created} user(s)`];
  if (r.groupsCreated) parts.push(`created ${r.groupsCreated} group(s)`);
  if (r.skipped) parts.push(`skipped ${r.skipped} other entr${r.skipped === 1 ? 'y' : 'ies'}`);
  if (r.passwordHashesKept) parts.push(`kept ${r.passwordHashesKept} password hash(es)`);
  io.stdout.write(`${parts.join(', ')}\n`);
  if (r.passwordHashesIgnored) {
    const why = keep ? 'in a scheme that cannot be kept ({SSHA}, {SSHA512}, {CRYPT} SHA-512 or bcrypt, and {ARGON2} can)' : 'without --keep-password-hashes';
    io.stderr.write(`note: the password hash of ${r.passwordHashesIgnored} user(s) was not kept, ${why}; they choose a password when they accept an invitation\n`);
  }
}

/** DIR-5: `castellan import users` and `castellan export users`. */
export function transferCommands(program: Command, io: CliIo): void {
  withDataDir(program.command('import').description('bulk import into an organization').command('users'))
    .description('import users (and their group memberships) from a CSV or LDIF file; all or nothing')
    .requiredOption('--org <id>', 'the organization')
    .addOption(formatOption())
    .option('--invite', 'email each imported user an invitation to set their password')
    .option('--keep-password-hashes', 'LDIF: keep each user’s {SSHA}, {SSHA512}, {CRYPT} (SHA-512, bcrypt) or {ARGON2} userPassword until their first sign-in or bind')
    .argument('<file>', 'CSV (email,name,username,groups) or LDIF (OpenLDAP, Active Directory, JumpCloud export) file')
    .action(
      action(io, async (file: string, opts: GlobalOptions & { org: string; format?: TransferFormat; invite?: boolean; keepPasswordHashes?: boolean }) => {
        const format = opts.format ?? (path.extname(file).toLowerCase() === '.ldif' ? 'ldif' : 'csv');
        const text = readFileSync(file, 'utf8');
        await withCore(io, opts, async (app) => {
          const bar = progress(io, 'importing');
          const input = { format, text, invite: opts.invite, keepPasswordHashes: opts.keepPasswordHashes };
          const result = await app.directory.transfer.importUsers(systemContext(), OPERATOR, opts.org, input, bar.update).catch((e: unknown) => {
            bar.end();
            reportProblems(io, e);
            return noSuchOrganization(opts.org)(e);
          });
          bar.end();
          if (opts.invite) await app.jobRunner.drain();
          reportImport(io, result, Boolean(opts.keepPasswordHashes));
        });
      }),
    );

  withDataDir(program.command('export').description('bulk export from an organization').command('users'))
    .description('export users with their group memberships as CSV or LDIF')
    .requiredOption('--org <id>', 'the organization')
    .addOption(formatOption().makeOptionMandatory())
    .option('--out <file>', 'write to this file instead of standard output')
    .action(
      action(io, (opts: GlobalOptions & { org: string; format: TransferFormat; out?: string }) =>
        withCore(io, opts, async (app) => {
          const { text, count } = await app.directory.transfer.exportUsers(OPERATOR, opts.org, opts.format).catch(noSuchOrganization(opts.org));
          if (opts.out) {
            writeFileSync(opts.out, text);
            io.stderr.write(`exported ${count} user(s) to ${opts.out}\n`);
          } else io.stdout.write(text);
        }),
      ),
    );
}
