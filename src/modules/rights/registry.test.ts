import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, type TestDatabase } from '../../../test/helpers/databases.ts';
import { createPersonalDataRegistry, emptyErasure, exportRows, type PersonalDataHandler } from './registry.ts';

const subject = { accountId: 'acc_1', email: 'ada@example.com', membershipIds: [], names: ['Ada'] };
const reason = { basis: 'deletion_request' as const, reference: null };

/** A handler over the core's own settings table, so the registry is tested without any module. */
function settingsHandler(module: string, key: string, fail = false): PersonalDataHandler {
  return {
    module,
    tables: [`${module}_table`],
    withheld: [{ table: `${module}_table`, column: 'value', why: 'a secret' }],
    async export(_s, ex) {
      const rows = await ex!.selectFrom('instance_settings').selectAll().where('key', '=', key).execute();
      return { [`${module}_table`]: exportRows(`${module}_table`, rows, this.withheld) };
    },
    async erase(_s, _r, ex) {
      const r = await ex!.deleteFrom('instance_settings').where('key', '=', key).executeTakeFirst();
      if (fail) throw new Error('this handler fails');
      return { [`${module}_table`]: { ...emptyErasure(), deleted: Number(r.numDeletedRows) } };
    },
  };
}

describe.each(dialects)('personal-data registry on $name', (dialect) => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await dialect.openMigrated();
  });
  afterAll(() => d.cleanup());

  const seed = (...keys: string[]) => d.handle.db.insertInto('instance_settings').values(keys.map((key) => ({ key, value: 'x' }))).execute();
  const left = async (key: string) => (await d.handle.db.selectFrom('instance_settings').select('key').where('key', '=', key).execute()).length;

  it('DSR-5: a module or a table registers once', () => {
    const registry = createPersonalDataRegistry({ db: d.handle.db });
    registry.register(settingsHandler('one', 'k1'));
    expect(() => registry.register(settingsHandler('one', 'k2'))).toThrow(/already registered/);
    expect(() => registry.register({ ...settingsHandler('two', 'k2'), tables: ['one_table'] })).toThrow(/one_table/);
    expect(registry.handlers().map((h) => h.module)).toEqual(['one']);
  });

  it('DSR-1: an export has one object per module and table, without the withheld columns, and says what it left out', async () => {
    await seed('e1');
    const registry = createPersonalDataRegistry({ db: d.handle.db });
    registry.register(settingsHandler('one', 'e1'));
    expect(await registry.exportAll(subject)).toEqual({ modules: { one: { one_table: [{ key: 'e1' }] } }, withheld: [{ module: 'one', table: 'one_table', column: 'value', why: 'a secret' }] });
  });

  it('DSR-5: erasure runs every handler in one transaction: when one fails, nothing is erased', async () => {
    await seed('a1', 'b1');
    const failing = createPersonalDataRegistry({ db: d.handle.db });
    failing.register(settingsHandler('first', 'a1'));
    failing.register(settingsHandler('second', 'b1', true));
    await expect(failing.eraseAll(subject, reason)).rejects.toThrow('this handler fails');
    expect([await left('a1'), await left('b1')]).toEqual([1, 1]);

    const working = createPersonalDataRegistry({ db: d.handle.db });
    working.register(settingsHandler('first', 'a1'));
    working.register(settingsHandler('second', 'b1'));
    expect(await working.eraseAll(subject, reason)).toEqual({ first: { first_table: { ...emptyErasure(), deleted: 1 } }, second: { second_table: { ...emptyErasure(), deleted: 1 } } });
    expect([await left('a1'), await left('b1')]).toEqual([0, 0]);
  });

  /** DSR-6: a handler that erases an organization's rows (settings keyed `<org>:<n>`) at most `batchRows` per call. */
  function orgHandler(module: string, failAfter = Infinity): PersonalDataHandler {
    let calls = 0;
    return {
      ...settingsHandler(module, 'unused'),
      async eraseOrganization(orgId, ex, opts = {}) {
        if (++calls > failAfter) throw new Error('broken off');
        const keys = (await ex!.selectFrom('instance_settings').select('key').where('key', 'like', `${orgId}:%`).limit(opts.batchRows ?? 1000).execute()).map((r) => r.key);
        if (keys.length > 0) await ex!.deleteFrom('instance_settings').where('key', 'in', keys).execute();
        return { outcome: { [`${module}_table`]: { ...emptyErasure(), deleted: keys.length } }, more: keys.length === (opts.batchRows ?? 1000) };
      },
    };
  }

  it('DSR-6: an organization is erased a batch per transaction, every step reported in its transaction; a run broken off resumes where it stopped', async () => {
    await seed(...Array.from({ length: 7 }, (_, i) => `orgx:${i}`));
    const registry = createPersonalDataRegistry({ db: d.handle.db });
    registry.register(settingsHandler('plain', 'k'));
    registry.register(orgHandler('batched', 2));
    const steps: Array<[string, number, boolean]> = [];
    const afterStep = async (_ex: unknown, module: string, step: { outcome: Record<string, { deleted: number }>; more: boolean }) => {
      steps.push([module, step.outcome[`${module}_table`]?.deleted ?? 0, step.more]);
    };
    // The third batch fails: the first two stay done, and were reported.
    await expect(registry.eraseOrganization('orgx', { batchRows: 3, afterStep })).rejects.toThrow('broken off');
    expect(steps).toEqual([['batched', 3, true], ['batched', 3, true]]);
    expect(await left('orgx:6')).toBe(1);

    const resumed = createPersonalDataRegistry({ db: d.handle.db });
    resumed.register(orgHandler('batched'));
    resumed.register(orgHandler('finished'));
    const erasure = await resumed.eraseOrganization('orgx', { batchRows: 3, afterStep, skipModules: ['finished'] });
    expect(erasure).toEqual({ modules: { batched: { batched_table: { ...emptyErasure(), deleted: 1 } } }, transactions: 1 });
    expect((await d.handle.db.selectFrom('instance_settings').select('key').where('key', 'like', 'orgx:%').execute()).length).toBe(0);
  });
});
