import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { FieldCipher } from '../../core/crypto.ts';
import { type TestDatabase, dialects } from '../../../test/helpers/databases.ts';
import { createAudit } from '../audit/index.ts';
import { createJobs } from '../jobs/index.ts';
import { createFederation, type Federation, sweepExpired } from './index.ts';
import { createFederationPersonalData } from './personal-data.ts';

describe.each(dialects)('OpenID Provider storage on $name', (dialect) => {
  let tdb: TestDatabase;
  let federation: Federation;
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  const cipher = new FieldCipher(randomBytes(32));
  beforeEach(async () => {
    tdb = await dialect.openMigrated();
    federation = createFederation({ db: tdb.handle.db, clock, cipher, jobs: createJobs({ clock }), audit: createAudit({ db: tdb.handle.db, dialect: tdb.handle.dialect, clock, key: randomBytes(32) }), applications: { find: async () => undefined } });
  });
  afterEach(() => tdb.cleanup());

  const rows = () => tdb.handle.db.selectFrom('oidc_models').selectAll().orderBy('model').orderBy('id').execute();

  it('PRO-2: a stored artefact is found by id, uid and user code, and replaced by an upsert with the same id', async () => {
    const sessions = federation.oidcStore('Session');
    await sessions.upsert('sess-1', { uid: 'uid-1', accountId: 'mem_1', jti: 'sess-1' }, 60);
    expect(await sessions.find('sess-1')).toEqual({ uid: 'uid-1', accountId: 'mem_1', jti: 'sess-1' });
    expect(await sessions.findByUid('uid-1')).toMatchObject({ jti: 'sess-1' });
    expect(await sessions.find('sess-2')).toBeUndefined();
    // Another model with the same id is another row.
    expect(await federation.oidcStore('Grant').find('sess-1')).toBeUndefined();
    await sessions.upsert('sess-1', { uid: 'uid-2', accountId: 'mem_1', jti: 'sess-1' }, 60);
    expect(await sessions.findByUid('uid-1')).toBeUndefined();
    expect(await sessions.findByUid('uid-2')).toMatchObject({ jti: 'sess-1' });
    const codes = federation.oidcStore('DeviceCode');
    await codes.upsert('dc-1', { userCode: 'ABCD-EFGH', grantId: 'g1' }, 60);
    expect(await codes.findByUserCode('ABCD-EFGH')).toMatchObject({ grantId: 'g1' });
    expect(await rows()).toHaveLength(2);
  });

  it('PRO-2, SEC-2: no token id, uid, user code or payload is stored in the clear', async () => {
    const token = randomBytes(32).toString('base64url');
    await federation.oidcStore('AccessToken').upsert(token, { jti: token, grantId: 'grant-x', accountId: 'mem_9', clientId: 'client-x', scope: 'scope-in-payload' }, 600);
    await federation.oidcStore('Session').upsert('sess-secret', { uid: 'uid-secret', jti: 'sess-secret' }, 600);
    await federation.oidcStore('DeviceCode').upsert('dev-secret', { userCode: 'USER-CODE', jti: 'dev-secret' }, 600);
    const stored = JSON.stringify(await rows());
    for (const secret of [token, 'sess-secret', 'uid-secret', 'USER-CODE', 'dev-secret', 'scope-in-payload']) expect(stored).not.toContain(secret);
    // What indexes the row stays readable (the client id is the application's resource id, no secret).
    expect(stored).toContain('grant-x');
    expect(stored).toContain('mem_9');
    expect(stored).toContain('client-x');
  });

  it('PRO-2: tokens issued at once are each stored before their upsert resolves (written together on SQLite), and each is found', async () => {
    const tokens = federation.oidcStore('ClientCredentials');
    const ids = Array.from({ length: 12 }, (_, i) => `cc-${i}-${randomBytes(8).toString('hex')}`);
    await Promise.all(ids.map((id) => tokens.upsert(id, { jti: id, clientId: 'apc_x', kind: 'ClientCredentials' }, 600)));
    for (const id of ids) expect(await tokens.find(id)).toMatchObject({ jti: id, clientId: 'apc_x' });
    // The same id twice at once: on SQLite (one batch) the later payload wins, as with upserts one
    // after the other; on PostgreSQL the two go to two connections, and either may commit last.
    await Promise.all([tokens.upsert('twice', { jti: 'twice', n: 1 }, 600), tokens.upsert('twice', { jti: 'twice', n: 2 }, 600)]);
    const kept = (await tokens.find('twice'))?.n;
    if (tdb.handle.dialect === 'sqlite') expect(kept).toBe(2);
    else expect([1, 2]).toContain(kept);
    expect(await rows()).toHaveLength(13);
  });

  it('PRO-2: an artefact past its expiry is not found, and one without expiry stays', async () => {
    const store = federation.oidcStore('Interaction');
    await store.upsert('i-1', { jti: 'i-1' }, 30);
    await store.upsert('i-2', { jti: 'i-2' });
    clock.advance(29_000);
    expect(await store.find('i-1')).toBeDefined();
    clock.advance(1_000);
    expect(await store.find('i-1')).toBeUndefined();
    expect(await store.find('i-2')).toBeDefined();
    clock.advance(-30_000);
  });

  it('PRO-2: consume marks a single-use artefact used, seen by every later find', async () => {
    const codes = federation.oidcStore('AuthorizationCode');
    await codes.upsert('code-1', { jti: 'code-1', grantId: 'g1' }, 60);
    await codes.consume('code-1');
    const found = await codes.find('code-1');
    expect(found?.consumed).toBe(Math.floor(clock.now().getTime() / 1000));
    expect((await rows())[0]?.consumed_at).toBe(clock.now().toISOString());
    await codes.consume('missing');
  });

  it('PRO-2: destroy removes one artefact; revokeByGrantId removes every artefact of the grant, of any model', async () => {
    await federation.oidcStore('Grant').upsert('g1', { jti: 'g1', grantId: 'g1' }, 600);
    await federation.oidcStore('AccessToken').upsert('at-1', { jti: 'at-1', grantId: 'g1' }, 600);
    await federation.oidcStore('RefreshToken').upsert('rt-1', { jti: 'rt-1', grantId: 'g1' }, 600);
    await federation.oidcStore('AccessToken').upsert('at-2', { jti: 'at-2', grantId: 'g2' }, 600);
    await federation.oidcStore('AccessToken').destroy('at-2');
    expect(await federation.oidcStore('AccessToken').find('at-2')).toBeUndefined();
    await federation.oidcStore('AccessToken').revokeByGrantId('g1');
    expect(await rows()).toEqual([]);
  });

  it('PRO-2: the sweep removes lapsed rows only, in batches, and the job runs it', async () => {
    const store = federation.oidcStore('ReplayDetection');
    for (let i = 0; i < 7; i++) await store.upsert(`r-${i}`, { jti: `r-${i}` }, 10);
    await store.upsert('long', { jti: 'long' }, 3600);
    await store.upsert('forever', { jti: 'forever' });
    clock.advance(11_000);
    expect(await sweepExpired(tdb.handle.db, clock, 3)).toBe(7);
    expect(await rows()).toHaveLength(2);
    clock.advance(3600_000);
    const job = federation.jobHandlers[0];
    expect(job?.everySeconds).toBeGreaterThan(0);
    await job?.run({ id: 'job_x', kind: job.kind, payload: null, attempts: 1, maxAttempts: 5, dedupeKey: null, runAt: '', createdAt: '' }, { nodeId: 'n', signal: new AbortController().signal, heartbeat: async () => {} });
    expect(await store.find('forever')).toBeDefined();
    expect(await rows()).toHaveLength(1);
    clock.advance(-3611_000);
  });

  it('PRO-2: preparing queues one recurring sweep, however often it runs', async () => {
    await federation.prepare();
    await federation.prepare();
    const jobs = await tdb.handle.db.selectFrom('jobs').select(['kind', 'status']).where('kind', '=', 'federation.oidc_sweep').execute();
    expect(jobs).toEqual([{ kind: 'federation.oidc_sweep', status: 'queued' }]);
  });

  it('DSR-1, DSR-5: the member’s artefacts are exported without payload, and erasure removes them and their grants’ tokens', async () => {
    await federation.oidcStore('Grant').upsert('g1', { jti: 'g1', accountId: 'mem_1' }, 600);
    await federation.oidcStore('AccessToken').upsert('at-1', { jti: 'at-1', grantId: 'g1', accountId: 'mem_1' }, 600);
    // Another member's token stays.
    await federation.oidcStore('AccessToken').upsert('at-9', { jti: 'at-9', grantId: 'g9', accountId: 'mem_9' }, 600);
    // A refresh token under the member's grant that (in this test) does not name the member itself.
    await federation.oidcStore('RefreshToken').upsert('rt-1', { jti: 'rt-1', grantId: 'g1' }, 600);
    const handler = createFederationPersonalData(tdb.handle.db);
    const subject = { accountId: 'acc_1', email: 'a@example.com', membershipIds: ['mem_1'], names: [] };
    const exported = await handler.export(subject);
    expect(exported.oidc_models).toHaveLength(2);
    expect(exported.oidc_models?.every((r) => !('payload_enc' in r) && r.account_id === 'mem_1')).toBe(true);
    const erased = await handler.erase(subject, { basis: 'deletion_request', reference: 'r1' });
    expect(erased.oidc_models?.deleted).toBe(3);
    expect((await rows()).map((r) => r.account_id)).toEqual(['mem_9']);
  });
});
