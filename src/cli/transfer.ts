import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { type Core, buildCore } from '../core.ts';
import { systemContext } from '../core/context.ts';
import { isAppError } from '../core/errors.ts';
import type { TransferFormat } from '../modules/directory/index.ts';
import { configFrom, describeError, fail, progress, withDataDir, OPERATOR } from './common.ts';

const formatOption = () => new Option('--format <format>', 'csv or ldif').choices(['csv', 'ldif']);

/** Every problem of a refused import, one line each, by line number. */
function reportProblems(e: unknown): string {
  if (!isAppError(e) || !Array.isArray(e.details?.problems)) return isAppError(e) ? e.message : describeError(e);
  const problems = e.details.problems as Array<{ line: number; field?: string; message: string }>;
  for (const p of problems) process.stderr.write(`line ${p.line}${p.field ? ` (${p.field})` : ''}: ${p.message}\n`);
  const more = Number(e.details.problemCount) - problems.length;
  if (more > 0) process.stderr.write(`… and ${more} more\n`);
  return e.message;
}

/** DIR-5: `castellan import users` and `castellan export users`. */
export function transferCommands(program: Command): void {
  withDataDir(program.command('import').description('bulk import into an organization').command('users'))
    .description('import users (and their group memberships) from a CSV or LDIF file; all or nothing')
    .requiredOption('--org <id>', 'the organization')
    .addOption(formatOption())
    .option('--invite', 'email each imported user an invitation to set their password')
    .argument('<file>', 'CSV (email,name,username,groups) or LDIF (inetOrgPerson) file')
    .action(async (file: string, opts: { org: string; format?: TransferFormat; invite?: boolean; dataDir?: string }) => {
      let app: Core | undefined;
      try {
        const format = opts.format ?? (path.extname(file).toLowerCase() === '.ldif' ? 'ldif' : 'csv');
        const text = readFileSync(file, 'utf8');
        app = await buildCore({ config: configFrom(opts) });
        const bar = progress('importing');
        const result = await app.directory.transfer.importUsers(systemContext(), OPERATOR, opts.org, { format, text, invite: opts.invite }, bar.update);
        bar.end();
        if (opts.invite) await app.jobRunner.drain();
        process.stdout.write(`imported ${result.created} user(s)${result.groupsCreated ? `, created ${result.groupsCreated} group(s)` : ''}\n`);
      } catch (e) {
        await app?.close();
        fail(reportProblems(e), 1);
      }
      await app.close();
    });

  withDataDir(program.command('export').description('bulk export from an organization').command('users'))
    .description('export users with their group memberships as CSV or LDIF')
    .requiredOption('--org <id>', 'the organization')
    .addOption(formatOption().makeOptionMandatory())
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (opts: { org: string; format: TransferFormat; out?: string; dataDir?: string }) => {
      let app: Core | undefined;
      try {
        app = await buildCore({ config: configFrom(opts) });
        const { text, count } = await app.directory.transfer.exportUsers(OPERATOR, opts.org, opts.format);
        if (opts.out) {
          writeFileSync(opts.out, text);
          process.stderr.write(`exported ${count} user(s) to ${opts.out}\n`);
        } else process.stdout.write(text);
      } catch (e) {
        await app?.close();
        fail(isAppError(e) ? e.message : describeError(e), 1);
      }
      await app.close();
    });
}
