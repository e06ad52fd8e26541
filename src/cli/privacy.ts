import { type Command, InvalidArgumentError } from 'commander';
import { REQUEST_KINDS, type ReportFigures } from '../modules/rights/index.ts';
import { type CliIo, type GlobalOptions, OPERATOR, action, withCore, withDataDir } from './common.ts';

function yearArg(value: string): number {
  if (!/^\d{4}$/.test(value) || Number(value) < 2000) throw new InvalidArgumentError('Expected a year such as 2026.');
  return Number(value);
}

const COLUMNS = ['kind', 'received', 'complied', 'partly_complied', 'denied', 'open', 'median_days'];

function row(label: string, f: ReportFigures): string[] {
  return [label, ...[f.received, f.complied, f.partlyComplied, f.denied, f.open].map(String), f.medianDaysToRespond === null ? '-' : String(f.medianDaysToRespond)];
}

/** Columns padded to their widest cell, for people and for `awk` alike. */
function table(rows: string[][]): string {
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

/** DSR-5: `castellan privacy report --year Y`, the yearly metrics of the request log. */
export function privacyCommand(program: Command, io: CliIo): void {
  const privacy = program.command('privacy').description('privacy: data-subject requests');
  withDataDir(privacy.command('report'))
    .description('the yearly request metrics (DSR-5): received, complied with in whole or in part, denied, still open, and the median days to respond, per kind')
    .requiredOption('--year <year>', 'the calendar year the requests were received in (America/Denver)', yearArg)
    .action(
      action(io, (opts: GlobalOptions & { year: number }) =>
        withCore(io, opts, async (core) => {
          const report = await core.privacyRequests.yearReport(OPERATOR, opts.year);
          const rows = [COLUMNS, row('total', report.total), ...REQUEST_KINDS.map((k) => row(k, report.byKind[k]))];
          io.stdout.write(`Privacy requests received in ${report.year}\n${table(rows)}\n`);
        }),
      ),
    );
}
