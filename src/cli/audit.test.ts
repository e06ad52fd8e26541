import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD } from '../../test/helpers/app.ts';
import { runCliInProcess } from '../../test/helpers/cli.ts';
import { type TestDatabase, dialects, tempDir } from '../../test/helpers/databases.ts';
import { sha256 } from '../core/crypto.ts';
import { GENESIS_HASH, canonicalJson } from '../modules/audit/index.ts';

/**
 * SEC-1: `castellan audit checkpoint` and `castellan audit verify --checkpoint`, against an
 * attacker who can write the database (and drops its guards) but has no audit key.
 */
describe.each(dialects)('castellan audit checkpoint and verify --checkpoint on $name', (dialect) => {
  let tdb: TestDatabase;
  const cli = (args: string[], dataDir = tdb.dataDir) =>
    runCliInProcess([...args, '--data-dir', dataDir], { env: { ...(tdb.url ? { DATABASE_URL: tdb.url } : {}), CASTELLAN_LOG_LEVEL: 'warn' } });
  const file = (name: string) => path.join(tdb.dataDir, name);

  async function addStaff(email: string) {
    const r = await runCliInProcess(['staff', 'add', '--email', email, '--role', 'support', '--data-dir', tdb.dataDir], {
      input: GOOD_PASSWORD,
      env: { ...(tdb.url ? { DATABASE_URL: tdb.url } : {}), CASTELLAN_LOG_LEVEL: 'warn' },
    });
    expect(r.code, r.stderr).toBe(0);
  }

  /** Writes a checkpoint to `name` with --out, and answers it parsed. */
  async function checkpointTo(name: string) {
    const r = await cli(['audit', 'checkpoint', '--out', file(name)]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(readFileSync(file(name), 'utf8')) as { version: number; seq: number; hash: string; at: string; mac: string };
  }

  beforeEach(async () => {
    tdb = await dialect.open();
    for (const who of ['a', 'b', 'c', 'd']) await addStaff(`${who}@example.com`);
  });
  afterEach(() => tdb.cleanup());

  /** What an attacker with the database does first: the append-only guards out of the way. */
  async function dropGuards() {
    const db = tdb.handle.db;
    if (tdb.handle.dialect === 'sqlite') {
      for (const t of ['audit_log_no_update', 'audit_log_no_delete', 'audit_head_forward', 'audit_head_no_delete', 'audit_head_no_insert']) await sql`drop trigger ${sql.raw(t)}`.execute(db);
    } else {
      await sql`drop trigger audit_log_no_change on audit_log`.execute(db);
      await sql`drop trigger audit_head_forward on audit_head`.execute(db);
      await sql`drop trigger audit_head_no_delete on audit_head`.execute(db);
    }
  }

  const entries = () => tdb.handle.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();

  it('SEC-1: audit checkpoint prints the signed head of the chain; verify passes with one or several checkpoints', async () => {
    const printed = await cli(['audit', 'checkpoint']);
    expect(printed.code, printed.stderr).toBe(0);
    const c = JSON.parse(printed.stdout) as Record<string, unknown>;
    expect(Object.keys(c).sort()).toEqual(['at', 'hash', 'mac', 'seq', 'version']);
    expect(c).toMatchObject({ version: 1, seq: 4, hash: (await entries())[3]?.hash, mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(printed.stdout.endsWith('}\n')).toBe(true);

    const early = await checkpointTo('early.json');
    expect(early.seq).toBe(4);
    await addStaff('e@example.com');
    const late = await checkpointTo('late.json');
    expect(late.seq).toBe(5);
    // One checkpoint per line, as `castellan audit checkpoint >> checkpoints.jsonl` keeps them.
    writeFileSync(file('all.jsonl'), `${JSON.stringify(early)}\n${JSON.stringify(late)}\n`);

    const one = await cli(['audit', 'verify', '--checkpoint', file('early.json')]);
    expect(one).toMatchObject({ code: 0, stdout: 'audit log intact: 5 entries, consistent with 1 checkpoint(s) up to entry 4\n' });
    const two = await cli(['audit', 'verify', '--checkpoint', file('early.json'), '--checkpoint', file('late.json')]);
    expect(two).toMatchObject({ code: 0, stdout: 'audit log intact: 5 entries, consistent with 2 checkpoint(s) up to entry 5\n' });
    const lines = await cli(['audit', 'verify', '--checkpoint', file('all.jsonl')]);
    expect(lines).toMatchObject({ code: 0, stdout: 'audit log intact: 5 entries, consistent with 2 checkpoint(s) up to entry 5\n' });
  });

  it('SEC-1: the newest entries deleted and the head moved back: intact without a checkpoint, caught with one (exit 1, naming what is missing)', async () => {
    await checkpointTo('cp.json');
    await dropGuards();
    const rows = await entries();
    await tdb.handle.db.deleteFrom('audit_log').where('seq', '>', 2).execute();
    await tdb.handle.db.updateTable('audit_head').set({ seq: 2, hash: rows[1]?.hash as string }).execute();

    // What the chain alone cannot prove: a shorter log, consistent with itself.
    const alone = await cli(['audit', 'verify']);
    expect(alone).toMatchObject({ code: 0, stdout: 'audit log intact: 2 entries\n' });

    const r = await cli(['audit', 'verify', '--checkpoint', file('cp.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^audit log broken at entry 3: the log ends at entry 2 but the checkpoint of \S+ saw entry 4: entries were removed\n$/);
  });

  it('SEC-1: an emptied log with its head reset is caught by a checkpoint', async () => {
    await checkpointTo('cp.json');
    await dropGuards();
    await tdb.handle.db.deleteFrom('audit_log').execute();
    await tdb.handle.db.updateTable('audit_head').set({ seq: 0, hash: GENESIS_HASH }).execute();
    const r = await cli(['audit', 'verify', '--checkpoint', file('cp.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/the log ends at entry 0 but the checkpoint of \S+ saw entry 4: entries were removed/);
  });

  it('SEC-1: an entry rewritten and the chain re-hashed after it with the public hash is caught, with or without a checkpoint', async () => {
    await checkpointTo('cp.json');
    await dropGuards();
    const rows = await entries();
    let prev = rows[0]?.hash as string;
    for (const row of rows.slice(1)) {
      const changed = { ...row, seq: Number(row.seq), prev_hash: prev, details: row.seq === rows[1]?.seq ? '{"role":"owner"}' : row.details };
      const { hash: _old, prev_hash, ...fields } = changed;
      const hash = sha256(`${prev_hash}\n${canonicalJson(fields)}`);
      await tdb.handle.db.updateTable('audit_log').set({ details: changed.details, prev_hash, hash }).where('seq', '=', row.seq).execute();
      prev = hash;
    }
    await tdb.handle.db.updateTable('audit_head').set({ hash: prev }).execute();

    for (const args of [[], ['--checkpoint', file('cp.json')]]) {
      const r = await cli(['audit', 'verify', ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe(`audit log broken at entry 2 (${rows[1]?.id}): its content was altered\n`);
    }
  });

  it('SEC-1: a forged checkpoint is refused: edited, or signed with another audit key', async () => {
    const cp = await checkpointTo('cp.json');
    writeFileSync(file('edited.json'), JSON.stringify({ ...cp, seq: 2, hash: (await entries())[1]?.hash }));
    const edited = await cli(['audit', 'verify', '--checkpoint', file('edited.json')]);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toMatch(/^checkpoint refused: the checkpoint of \S+ was not made with this log's audit key, or was edited; nothing was verified against it\n$/);

    // A checkpoint of another instance (another data directory, so another audit key).
    const otherDir = tempDir('castellan-other-');
    try {
      const other = await runCliInProcess(['migrate', '--data-dir', otherDir]);
      expect(other.code, other.stderr).toBe(0);
      const foreign = await runCliInProcess(['audit', 'checkpoint', '--data-dir', otherDir]);
      writeFileSync(file('foreign.json'), foreign.stdout);
      const r = await cli(['audit', 'verify', '--checkpoint', file('cp.json'), '--checkpoint', file('foreign.json')]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^checkpoint refused: /);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('SEC-3: a checkpoint file that cannot be read, or is not a checkpoint, exits 2 with one line and verifies nothing', async () => {
    const cp = await checkpointTo('cp.json');
    writeFileSync(file('text.json'), 'not json at all\n');
    writeFileSync(file('empty.json'), '\n');
    writeFileSync(file('nomac.json'), JSON.stringify({ ...cp, mac: undefined }));
    writeFileSync(file('badline.jsonl'), `${JSON.stringify(cp)}\n{"version":2}\n`);
    for (const [name, message] of [
      ['missing.json', /cannot read the checkpoint file .*missing\.json/],
      ['text.json', /is not a checkpoint file/],
      ['empty.json', /holds no checkpoint/],
      ['nomac.json', /is not a checkpoint: it needs version 1, seq, hash, at and mac/],
      ['badline.jsonl', /badline\.jsonl, line 2, is not a checkpoint/],
    ] as const) {
      const r = await cli(['audit', 'verify', '--checkpoint', file(name)]);
      expect(r.code, name).toBe(2);
      expect(r.stdout, name).toBe('');
      expect(r.stderr, name).toMatch(new RegExp(`^castellan: .*${message.source}.*\\n$`));
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
    }
    const r = await runCliInProcess(['audit', 'verify', '--data-dir', tdb.dataDir, '--checkpoint']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^castellan: .*--checkpoint/);
  });

  it('SEC-1: audit checkpoint --out never overwrites a checkpoint, and needs a database', async () => {
    await checkpointTo('cp.json');
    const before = readFileSync(file('cp.json'), 'utf8');
    const again = await cli(['audit', 'checkpoint', '--out', file('cp.json')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^castellan: cannot write .*cp\.json/);
    expect(readFileSync(file('cp.json'), 'utf8')).toBe(before);

    if (dialect.name === 'sqlite') {
      const nowhere = path.join(tempDir('castellan-none-'), 'typo');
      const r = await runCliInProcess(['audit', 'checkpoint', '--data-dir', nowhere]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^castellan: no database at /);
      expect(existsSync(nowhere)).toBe(false);
    }
  });
});
