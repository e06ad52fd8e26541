import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess as runCli } from '../../test/helpers/cli.ts';
import { tempDir } from '../../test/helpers/databases.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const lines = (stdout: string) => stdout.trim().split('\n').map((l) => l.split('\t'));

describe('castellan oidc rotate-keys', () => {
  it('PRO-2: makes new current ES256 and RS256 keys and keeps the replaced ones published as previous until their tokens lapse; prints ids, never a key', async () => {
    const dataDir = tempDir('castellan-cli-');
    dirs.push(dataDir);
    const first = await runCli(['oidc', 'rotate-keys', '--data-dir', dataDir]);
    expect(first.code, first.stderr).toBe(0);
    const one = lines(first.stdout);
    // The first start made a pair; the rotation replaced it.
    expect(one.map(([state, alg]) => `${state} ${alg}`).sort()).toEqual(['current ES256', 'current RS256', 'previous ES256', 'previous RS256']);
    const second = await runCli(['oidc', 'rotate-keys'], { env: { CASTELLAN_DATA_DIR: dataDir } });
    expect(second.code, second.stderr).toBe(0);
    const two = lines(second.stdout);
    const kids = (rows: string[][], state: string) => rows.filter((r) => r[0] === state).map((r) => r[2]).sort();
    // Both replaced pairs stay published: the tokens they signed have not lapsed yet (retirement: signing-keys.test.ts).
    expect(kids(two, 'previous')).toEqual([...kids(one, 'current'), ...kids(one, 'previous')].sort());
    expect(kids(two, 'current').some((kid) => one.flat().includes(kid as string))).toBe(false);
    for (const out of [first.stdout, second.stdout]) expect(out).not.toMatch(/"d"|PRIVATE|BEGIN/);
  });
});
