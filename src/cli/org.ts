import { type Command, Option } from 'commander';
import { systemContext } from '../core/context.ts';
import { CommonErrors, isAppError } from '../core/errors.ts';
import { DirectoryErrors, PLANS } from '../modules/directory/index.ts';
import { CliError, type CliIo, type GlobalOptions, OPERATOR, action, fail, withCore, withDataDir } from './common.ts';
import { instantArg } from './support.ts';

/** The organization named by --org does not exist: said plainly, with the id, exit 1. */
export function noSuchOrganization(orgId: string) {
  return (e: unknown): never => {
    if (isAppError(e) && e.is(CommonErrors.notFound)) throw new CliError(`no organization ${orgId}`, 1);
    throw e;
  };
}

/** DIR-4: `castellan org plan`, the operator's way to move an organization to another plan (billing's use case). */
export function orgCommand(program: Command, io: CliIo): void {
  const org = program.command('org').description('organizations');
  withDataDir(org.command('plan'))
    .description("set an organization's plan as the operator (audited, like a billing staff member's change)")
    .requiredOption('--org <id>', 'the organization')
    .addOption(new Option('--plan <plan>', 'the new plan').choices([...PLANS]).makeOptionMandatory())
    .option('--ends-at <instant>', 'when a jumpstart trial ends, ISO-8601 with an offset or Z (e.g. 2026-12-31T23:59:59Z)', instantArg)
    .action(
      action(io, async (opts: GlobalOptions & { org: string; plan: (typeof PLANS)[number]; endsAt?: Date }) => {
        if (opts.plan === 'jumpstart' && !opts.endsAt) fail('--plan jumpstart needs --ends-at, the end of the trial');
        if (opts.plan !== 'jumpstart' && opts.endsAt) fail(`--ends-at is the end of a jumpstart trial; the ${opts.plan} plan has none`);
        await withCore(io, opts, async (app) => {
          const view = await app.directory.plans
            .setPlan(systemContext(), OPERATOR, opts.org, { plan: opts.plan, ...(opts.endsAt ? { endsAt: opts.endsAt.toISOString() } : {}) })
            .catch((e: unknown) => {
              // An end date the plan cannot take (in the past) is a usage error, like a malformed one.
              if (isAppError(e) && e.is(DirectoryErrors.invalidPlan)) throw new CliError(e.message, 2);
              return noSuchOrganization(opts.org)(e);
            });
          io.stdout.write(`${view.name} (${view.id}) is on the ${view.plan} plan${view.planEndsAt ? ` until ${view.planEndsAt}` : ''}\n`);
        });
      }),
    );
}
