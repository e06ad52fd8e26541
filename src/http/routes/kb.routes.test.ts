import type { StaffRole } from '../../core/caller.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type TestApp, json, startTestApp, verifiedUser, staffMember } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

describe.each(dialects)('knowledge-base routes on $name', (dialect) => {
  let t: TestApp;
  let support: Record<string, string>;
  const clock = new ManualClock('2025-05-31T12:00:00Z');
  beforeAll(async () => {
    t = await startTestApp(dialect, { clock });
    support = await staffAuth('support');
  });
  afterAll(() => t.close());

  const call = (method: Method, url: string, auth: Record<string, string> = {}, payload?: object) =>
    t.app.http.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });

  async function staffAuth(role: string) {
    return (await staffMember(t, role as StaffRole)).auth;
  }

  /** Everything the knowledge base keeps, and the audit log: for "changed nothing" checks. */
  async function state() {
    return JSON.stringify({
      articles: await t.app.db.selectFrom('kb_articles').select(['id', 'slug', 'title', 'body', 'tags', 'published', 'updated_at']).orderBy('id').execute(),
      versions: await t.app.db.selectFrom('kb_system_versions').selectAll().orderBy('id').execute(),
      audit: (await t.app.db.selectFrom('audit_log').select('seq').where('action', 'like', 'support.kb%').execute()).length,
    });
  }

  const article = (overrides: Record<string, unknown> = {}) => ({
    title: 'Connecting nslcd over LDAPS',
    markdown: '# nslcd\n\nSet `uri ldaps://directory.example.com` and **restart** nslcd.',
    tags: ['ldap', 'linux'],
    published: true,
    ...overrides,
  });

  it('SUP-7: staff of the support role write an article; anyone finds it by search and reads it', async () => {
    const created = await call('POST', '/api/v1/staff/kb/articles', support, article());
    expect(created.statusCode, created.body).toBe(201);
    expect(json(created)).toMatchObject({ slug: 'connecting-nslcd-over-ldaps', title: 'Connecting nslcd over LDAPS', tags: ['ldap', 'linux'], published: true });

    const found = await call('GET', '/api/v1/kb/articles?q=restarting%20nslcd&limit=5');
    expect(found.statusCode).toBe(200);
    expect(json(found)).toEqual({
      items: [
        {
          slug: 'connecting-nslcd-over-ldaps',
          title: 'Connecting nslcd over LDAPS',
          excerpt: 'nslcd Set uri ldaps://directory.example.com and restart nslcd.',
          tags: ['ldap', 'linux'],
          published: true,
          updatedAt: clock.now().toISOString(),
        },
      ],
      nextCursor: null,
    });
    const read = await call('GET', '/api/v1/kb/articles/connecting-nslcd-over-ldaps');
    expect(json(read)).toMatchObject({ markdown: article().markdown, createdAt: clock.now().toISOString() });
    expect(json(await call('GET', '/api/v1/kb/articles'))).toMatchObject({ items: [{ slug: 'connecting-nslcd-over-ldaps' }] });
  });

  it('SUP-7: a draft is never public (404), staff read it; publishing shows it, deleting removes it', async () => {
    const draft = await call('POST', '/api/v1/staff/kb/articles', support, article({ slug: 'draft-okta', title: 'Okta federation', markdown: 'Okta draft text.', published: false }));
    expect(draft.statusCode).toBe(201);
    const hidden = await call('GET', '/api/v1/kb/articles/draft-okta');
    expect(hidden.statusCode).toBe(404);
    expect(json(hidden).code).toBe('support.article_not_found');
    expect(json(await call('GET', '/api/v1/kb/articles?q=okta')).items).toEqual([]);
    expect(json(await call('GET', '/api/v1/staff/kb/articles/draft-okta', support)).published).toBe(false);
    expect(json(await call('GET', '/api/v1/staff/kb/articles?q=okta', support)).items).toHaveLength(1);

    const published = await call('PUT', '/api/v1/staff/kb/articles/draft-okta', support, { slug: 'okta', title: 'Okta federation', markdown: 'Okta text.', published: true });
    expect(published.statusCode, published.body).toBe(200);
    expect(json(await call('GET', '/api/v1/kb/articles?q=okta')).items.map((a: { slug: string }) => a.slug)).toEqual(['okta']);
    expect((await call('GET', '/api/v1/kb/articles/draft-okta')).statusCode).toBe(404);
    expect((await call('DELETE', '/api/v1/staff/kb/articles/okta', support)).statusCode).toBe(204);
    expect((await call('GET', '/api/v1/kb/articles/okta')).statusCode).toBe(404);
    expect(json(await call('DELETE', '/api/v1/staff/kb/articles/okta', support)).code).toBe('support.article_not_found');
  });

  it('SUP-7: the supported list shows what is served and each version, end of life judged at the time of the request', async () => {
    clock.set('2025-05-31T23:00:00Z');
    const before = json(await call('GET', '/api/v1/kb/supported'));
    // Only the HTTP listener runs here: no inbound mail, and none of the protocol edges that do not exist yet.
    expect(before.served.map((p: { id: string }) => p.id)).toEqual(['http']);
    expect(before).not.toHaveProperty('protocols');
    const ubuntu = (body: Record<string, any>, version: string) => body.systemVersions.find((v: { system: string; version: string }) => v.system === 'Ubuntu' && v.version === version);
    expect(ubuntu(before, '18.04')).toMatchObject({ endOfLifeOn: '2023-05-31', endOfLife: true });
    expect(ubuntu(before, '20.04')).toMatchObject({ endOfLifeOn: '2025-05-31', endOfLife: false });
    expect(ubuntu(before, '24.04')).toMatchObject({ endOfLifeOn: null, endOfLife: false });
    clock.set('2025-06-01T00:00:00Z');
    expect(ubuntu(json(await call('GET', '/api/v1/kb/supported')), '20.04')).toMatchObject({ endOfLife: true });
    const systems = before.systemVersions.map((v: { system: string; version: string }) => `${v.system} ${v.version}`);
    expect(systems.indexOf('Windows Server 2012 R2')).toBeLessThan(systems.indexOf('Windows Server 2016'));
    expect(systems.indexOf('macOS 12')).toBeLessThan(systems.indexOf('macOS 13'));
  });

  it('SUP-7: staff upsert a system version (201 when added, 200 when changed) and remove it', async () => {
    const added = await call('PUT', '/api/v1/staff/kb/system-versions', support, { system: 'Rocky Linux', version: '8', endOfLifeOn: '2029-05-31', notes: null });
    expect(added.statusCode, added.body).toBe(201);
    expect(json(added)).toMatchObject({ system: 'Rocky Linux', version: '8', endOfLifeOn: '2029-05-31', endOfLife: false, notes: null });
    const changed = await call('PUT', '/api/v1/staff/kb/system-versions', support, { system: 'rocky linux', version: '8', endOfLifeOn: '2025-01-01' });
    expect(changed.statusCode).toBe(200);
    expect(json(changed)).toMatchObject({ id: json(added).id, endOfLife: true });
    expect((await call('DELETE', `/api/v1/staff/kb/system-versions/${json(added).id}`, support)).statusCode).toBe(204);
    expect(json(await call('DELETE', `/api/v1/staff/kb/system-versions/${json(added).id}`, support)).code).toBe('support.system_version_not_found');
  });

  it('SUP-7: only staff with support.kb write; a privacy-role staff member, an org admin and a visitor are refused and change nothing', async () => {
    const owner = await staffAuth('owner');
    expect((await call('POST', '/api/v1/staff/kb/articles', owner, article({ slug: 'by-the-owner' }))).statusCode).toBe(201);
    const admin = await verifiedUser(t);
    const before = await state();
    const attempts: Array<[Record<string, string>, number]> = [
      [await staffAuth('privacy'), 403],
      [await staffAuth('billing'), 403],
      [admin.auth, 403],
      [{}, 401],
    ];
    for (const [auth, status] of attempts) {
      const requests: Array<[Method, string, object?]> = [
        ['POST', '/api/v1/staff/kb/articles', article({ slug: 'intruder' })],
        ['PUT', '/api/v1/staff/kb/articles/by-the-owner', article({ title: 'Defaced' })],
        ['DELETE', '/api/v1/staff/kb/articles/by-the-owner'],
        ['PUT', '/api/v1/staff/kb/system-versions', { system: 'Ubuntu', version: '18.04', endOfLifeOn: null }],
        ['DELETE', '/api/v1/staff/kb/system-versions/sv_ubuntu_18_04'],
        ['GET', '/api/v1/staff/kb/articles'],
        ['GET', '/api/v1/staff/kb/articles/by-the-owner'],
      ];
      for (const [method, url, payload] of requests) {
        const res = await call(method, url, auth, payload);
        expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
    }
    expect(await state()).toBe(before);
  });

  it('SUP-7, SEC-3: odd searches answer 200; bad input gets problem details and changes nothing', async () => {
    for (const q of ['"', 'ldap*', 'NEAR(a b)', '-', '(', ')', 'a AND', '東京 🙂', "' OR 1=1 --", '%', '\\"']) {
      const res = await call('GET', `/api/v1/kb/articles?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, `${q}: ${res.body}`).toBe(200);
    }
    const before = await state();
    const bad: Array<[Method, string, object | undefined, number, string]> = [
      ['GET', `/api/v1/kb/articles?q=${'x'.repeat(201)}`, undefined, 400, 'http.validation_failed'],
      ['GET', '/api/v1/kb/articles?cursor=-1', undefined, 400, 'http.validation_failed'],
      ['GET', '/api/v1/kb/articles?cursor=999999', undefined, 422, 'support.invalid_search'],
      ['GET', '/api/v1/kb/articles/Not_A_Slug', undefined, 400, 'http.validation_failed'],
      ['POST', '/api/v1/staff/kb/articles', article({ slug: 'Bad Slug' }), 400, 'http.validation_failed'],
      ['POST', '/api/v1/staff/kb/articles', article({ title: '   ' }), 422, 'accounts.invalid_field'],
      ['POST', '/api/v1/staff/kb/articles', article({ title: '!!!' }), 422, 'accounts.invalid_field'],
      ['POST', '/api/v1/staff/kb/articles', article({ tags: ['not a tag'] }), 422, 'accounts.invalid_field'],
      ['POST', '/api/v1/staff/kb/articles', article({ slug: 'connecting-nslcd-over-ldaps' }), 409, 'support.slug_taken'],
      ['PUT', '/api/v1/staff/kb/articles/no-such-article', article(), 404, 'support.article_not_found'],
      ['PUT', '/api/v1/staff/kb/system-versions', { system: 'Ubuntu', version: '26.04', endOfLifeOn: '2031-02-30' }, 400, 'http.validation_failed'],
      ['PUT', '/api/v1/staff/kb/system-versions', { system: 'Ubuntu', version: '26.04', endOfLifeOn: '31/05/2031' }, 400, 'http.validation_failed'],
      ['PUT', '/api/v1/staff/kb/system-versions', { system: '...', version: '26.04', endOfLifeOn: null }, 422, 'accounts.invalid_field'],
    ];
    for (const [method, url, payload, status, code] of bad) {
      const res = await call(method, url, support, payload);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(json(res).code).toBe(code);
    }
    expect(await state()).toBe(before);
  });
});
