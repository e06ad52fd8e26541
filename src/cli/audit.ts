import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { systemClock } from '../core/clock.ts';
import { type Audit, type Checkpoint, createAudit } from '../modules/audit/index.ts';
import { loadKeys } from '../secrets.ts';
import { CliError, type CliIo, type GlobalOptions, action, configFrom, describeError, fail, progress, withDataDir } from './common.ts';

/** Checkpoint files are small; anything much larger is not one. */
const MAX_CHECKPOINT_FILE_BYTES = 1024 * 1024;

/**
 * The checkpoints in one file: a single JSON object, or one per line (so that
 * `castellan audit checkpoint >> checkpoints.jsonl` keeps a history). Anything else is refused
 * (exit 2): a checkpoint that cannot be read must not be skipped silently.
 */
export function readCheckpoints(file: string): Checkpoint[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    fail(`cannot read the checkpoint file ${file}: ${describeError(e)}`, 2);
  }
  if (Buffer.byteLength(text) > MAX_CHECKPOINT_FILE_BYTES) fail(`${file} is too large to be a checkpoint file`, 2);
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  let values: unknown[];
  try {
    values = lines.length === 0 ? [] : lines.length > 1 ? lines.map((l) => JSON.parse(l) as unknown) : [JSON.parse(text) as unknown];
  } catch {
    fail(`${file} is not a checkpoint file (one JSON checkpoint, or one per line, as castellan audit checkpoint writes)`, 2);
  }
  if (values.length === 0) fail(`${file} holds no checkpoint`, 2);
  return values.map((v, i) => {
    if (!isCheckpoint(v)) fail(`${file}${values.length > 1 ? `, line ${i + 1},` : ''} is not a checkpoint: it needs version 1, seq, hash, at and mac`, 2);
    return v;
  });
}

function isCheckpoint(v: unknown): v is Checkpoint {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const c = v as Record<string, unknown>;
  return (
    c.version === 1 &&
    Number.isSafeInteger(c.seq) &&
    (c.seq as number) >= 0 &&
    typeof c.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(c.hash) &&
    typeof c.at === 'string' &&
    typeof c.mac === 'string' &&
    /^[0-9a-f]{64}$/.test(c.mac)
  );
}

/**
 * Opens the audit log of an existing database, with its key. Neither command may create a
 * database: a mistyped --data-dir would otherwise report an empty log as intact.
 */
async function withAudit<T>(io: CliIo, opts: GlobalOptions, work: (audit: Audit) => Promise<T>): Promise<T> {
  const config = configFrom(io, opts);
  const file = path.join(config.dataDir, 'castellan.db');
  if (!config.databaseUrl && !existsSync(file)) fail(`no database at ${file} (check --data-dir or CASTELLAN_DATA_DIR)`, 2);
  const handle = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const keys = loadKeys(config);
    await migrateToLatest(handle.db, undefined, { auditKey: keys.audit });
    return await work(createAudit({ db: handle.db, dialect: handle.dialect, clock: systemClock, key: keys.audit }));
  } catch (e) {
    // Whatever stops the command before the walk (the database, the key) means it could not run.
    throw e instanceof CliError ? e : new CliError(describeError(e), 2);
  } finally {
    await handle.destroy();
  }
}

/** `castellan audit verify` and `castellan audit checkpoint` (SEC-1). */
export function auditCommand(program: Command, io: CliIo): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  withDataDir(audit.command('verify'))
    .description('check every entry of the audit log, and the checkpoints given; exits 0 when intact, 1 naming the first bad or missing entry, 2 when it cannot run')
    .option('--checkpoint <file>', 'a checkpoint file written by castellan audit checkpoint (repeatable)', (f: string, all: string[]) => [...all, f], [] as string[])
    .action(
      action(io, async (opts: GlobalOptions & { checkpoint: string[] }) => {
        const checkpoints = opts.checkpoint.flatMap(readCheckpoints);
        const result = await withAudit(io, opts, async (log) => {
          const bar = progress(io, 'verifying');
          const r = await log.verify(bar.update, checkpoints);
          bar.end();
          return r;
        });
        if (!result.ok && result.checkpointRefused) {
          io.stdout.write(`checkpoint refused: ${result.firstBad.reason}; nothing was verified against it\n`);
          return 1;
        }
        if (!result.ok) {
          const { seq, id, reason } = result.firstBad;
          io.stdout.write(`audit log broken at entry ${seq}${id ? ` (${id})` : ''}: ${reason}\n`);
          return 1;
        }
        const against = checkpoints.length === 0 ? '' : `, consistent with ${checkpoints.length} checkpoint(s) up to entry ${Math.max(...checkpoints.map((c) => c.seq))}`;
        io.stdout.write(`audit log intact: ${result.entries} entries${against}\n`);
      }),
    );

  withDataDir(audit.command('checkpoint'))
    .description('print (or write to a file) a checkpoint of the chain signed with the audit key: keep it where the database cannot reach')
    .option('--out <file>', 'write the checkpoint to this file instead of standard output')
    .action(
      action(io, async (opts: GlobalOptions & { out?: string }) => {
        const c = await withAudit(io, opts, (log) => log.checkpoint());
        const line = `${JSON.stringify(c)}\n`;
        if (opts.out === undefined) {
          io.stdout.write(line);
          return;
        }
        try {
          writeFileSync(opts.out, line, { flag: 'wx' });
        } catch (e) {
          fail(`cannot write ${opts.out}: ${describeError(e)}`, (e as NodeJS.ErrnoException).code === 'EEXIST' ? 2 : 1);
        }
        io.stderr.write(`checkpoint of entry ${c.seq} written to ${opts.out}\n`);
      }),
    );
}
