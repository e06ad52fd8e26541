import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { systemContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { type TestApp, callerOfToken, startTestApp, verifiedUser, staffMember } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import type { Caller, StaffRole } from '../../core/caller.ts';
import { createKnowledgeBase } from './index.ts';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return e.code;
  }
}

describe.each(dialects)('knowledge base on $name', (dialect) => {
  let t: TestApp;
  let support: Caller;
  beforeAll(async () => {
    t = await startTestApp(dialect, { clock: new ManualClock('2026-01-05T16:00:00Z') });
    support = await staff('support');
  });
  afterAll(() => t.close());

  const kb = () => t.app.knowledgeBase;
  const ctx = systemContext();

  async function staff(role: string): Promise<Caller> {
    return callerOfToken(t, (await staffMember(t, role as StaffRole)).token);
  }

  const write = (slug: string, title: string, markdown: string, opts: { tags?: string[]; published?: boolean } = {}) =>
    kb().createArticle(ctx, support, { slug, title, markdown, tags: opts.tags ?? [], published: opts.published ?? true });

  const slugs = async (q: string) => (await kb().searchArticles(q, { limit: 50 })).items.map((a) => a.slug);

  it('SUP-7: search ranks a title match above a passing mention, stems words, and needs every word', async () => {
    await write('sssd-ldap-setup', 'Configuring SSSD for LDAP sign-in', 'Point SSSD at Castellan over LDAPS and it enumerates users and groups.', { tags: ['ldap', 'linux'] });
    await write('radius-wifi', 'RADIUS for office Wi-Fi', 'Networks authenticate people with RADIUS. Some sites also configure LDAP as a fallback.');
    await write('scim-okta', 'Provisioning from an HR system with SCIM', 'Create a SCIM token and paste it into the HR system.', { tags: ['scim'] });
    expect(await slugs('ldap')).toEqual(['sssd-ldap-setup', 'radius-wifi']);
    // Stemming: "configure" finds "Configuring" and "configure"; "groups" finds "group" forms.
    expect((await slugs('configure')).sort()).toEqual(['radius-wifi', 'sssd-ldap-setup']);
    expect(await slugs('enumerating group')).toEqual(['sssd-ldap-setup']);
    // Every word must match.
    expect(await slugs('ldap token')).toEqual([]);
    expect(await slugs('SCIM token')).toEqual(['scim-okta']);
    // Tags are searched too.
    expect(await slugs('linux')).toEqual(['sssd-ldap-setup']);
  });

  it('SUP-7: FTS syntax and odd characters in a search never fail: they are read as words or ignored', async () => {
    const odd = ['"', '""', 'ldap"', '"ldap', '*', 'ldap*', 'NEAR', 'NEAR(ldap sssd)', 'ldap NEAR sssd', '-', '-ldap', 'ldap -sssd', '(', ')', '(ldap', 'ldap OR', 'AND', 'NOT ldap', 'title:ldap', '^ldap', 'ldap:*', "ldap' or 1=1 --", '\\', '{ldap}', '東京', 'Über naïve café', '🙂', '\u0000ldap', 'ldap & sssd | scim', '!ldap', '<->', "'", 'a'.repeat(200)];
    for (const q of odd) {
      const page = await kb().searchArticles(q, { limit: 10 });
      expect(Array.isArray(page.items), q).toBe(true);
    }
    expect(await slugs('ldap*')).toEqual(await slugs('ldap'));
    expect(await slugs('"ldap" -sssd')).toEqual(['sssd-ldap-setup']);
    expect(await slugs('NEAR(ldap sssd)')).toEqual([]);
    expect(await slugs('"')).toEqual([]);
    expect(await kb().suggest('"* NEAR( -ldap)', 5)).toHaveLength(2);
    expect(await codeOf(kb().searchArticles('x'.repeat(201), { limit: 10 }))).toBe('support.invalid_search');
    expect(await codeOf(kb().searchArticles('ldap', { limit: 10, cursor: 'abc' }))).toBe('support.invalid_search');
  });

  it('SUP-7: unpublished articles are never shown publicly: not in search, lists, suggestions or by address', async () => {
    await write('draft-kerberos', 'Kerberos draft', 'Kerberos is not supported yet. Zanzibar.', { published: false });
    expect(await slugs('kerberos zanzibar')).toEqual([]);
    expect((await kb().listArticles({ limit: 100 })).items.map((a) => a.slug)).not.toContain('draft-kerberos');
    expect(await kb().suggest('kerberos zanzibar', 5)).toEqual([]);
    expect(await codeOf(kb().getArticle('draft-kerberos'))).toBe('support.article_not_found');
    // Staff see it; once published, everyone does.
    expect((await kb().listArticlesForStaff(support, 'zanzibar', { limit: 10 })).items.map((a) => a.slug)).toEqual(['draft-kerberos']);
    await kb().updateArticle(ctx, support, 'draft-kerberos', { title: 'Kerberos', markdown: 'Kerberos is not supported yet. Zanzibar.', published: true });
    expect(await slugs('zanzibar')).toEqual(['draft-kerberos']);
    expect((await kb().getArticle('draft-kerberos')).published).toBe(true);
    // Unpublished again, it is gone again.
    await kb().updateArticle(ctx, support, 'draft-kerberos', { title: 'Kerberos', markdown: 'Zanzibar.', published: false });
    expect(await slugs('zanzibar')).toEqual([]);
  });

  it('SUP-7: suggestions for a ticket match any word of its text, best first, with links to the public pages', async () => {
    const s = await kb().suggest('Hi! Our SSSD clients cannot enumerate users or groups since Tuesday. Is there a fallback?', 3);
    expect(s.map((x) => x.slug)).toEqual(['sssd-ldap-setup', 'radius-wifi']);
    expect(s[0]).toEqual({ slug: 'sssd-ldap-setup', title: 'Configuring SSSD for LDAP sign-in', url: 'http://castellan.test/kb/articles/sssd-ldap-setup' });
    expect(await kb().suggest('sssd wifi', 1)).toHaveLength(1);
    expect(await kb().suggest('nothing here matches', 5)).toEqual([]);
    expect(await kb().suggest('', 5)).toEqual([]);
    expect(await kb().suggest('ldap', 0)).toEqual([]);
    // Without a public URL (the factory's deps alone), links are paths on this site.
    const { db, audit, clock } = t.app;
    const bare = createKnowledgeBase({ db, dialect: dialect.name, clock, audit });
    expect((await bare.suggest('sssd', 1))[0]?.url).toBe('/kb/articles/sssd-ldap-setup');
  });

  it('SUP-7: pages of results follow each other without gaps or repeats', async () => {
    for (let i = 0; i < 5; i++) await write(`paging-${i}`, `Paging article ${i}`, 'Quokka appear in every one of these.');
    const first = await kb().searchArticles('quokka', { limit: 2 });
    const second = await kb().searchArticles('quokka', { limit: 2, cursor: first.nextCursor ?? undefined });
    const third = await kb().searchArticles('quokka', { limit: 2, cursor: second.nextCursor ?? undefined });
    expect(third.nextCursor).toBeNull();
    const all = [...first.items, ...second.items, ...third.items].map((a) => a.slug);
    expect(all.sort()).toEqual(['paging-0', 'paging-1', 'paging-2', 'paging-3', 'paging-4']);
  });

  it('SUP-7: a system version named in free text is found, and it is end of life once its last day has passed', async () => {
    const at = new Date('2025-06-01T12:00:00Z');
    expect(await kb().checkSystemVersion('Ubuntu 18.04.6 LTS', at)).toEqual({ system: 'Ubuntu', version: '18.04', endOfLife: true, endOfLifeOn: '2023-05-31' });
    expect(await kb().checkSystemVersion('windows 10 22H2', at)).toEqual({ system: 'Windows', version: '10', endOfLife: false, endOfLifeOn: '2025-10-14' });
    expect(await kb().checkSystemVersion('windows 10 22H2', new Date('2025-10-14T23:59:59Z'))).toMatchObject({ endOfLife: false });
    expect(await kb().checkSystemVersion('windows 10 22H2', new Date('2025-10-15T00:00:00Z'))).toMatchObject({ endOfLife: true });
    expect(await kb().checkSystemVersion('Our DCs are Windows Server 2012 R2', at)).toMatchObject({ system: 'Windows Server', version: '2012 R2', endOfLife: true });
    expect(await kb().checkSystemVersion('Red Hat Enterprise Linux 7.9 (Maipo)', at)).toMatchObject({ system: 'RHEL', version: '7', endOfLife: true });
    expect(await kb().checkSystemVersion('Ubuntu 24.04', at)).toEqual({ system: 'Ubuntu', version: '24.04', endOfLife: false, endOfLifeOn: null });
    expect(await kb().checkSystemVersion('Ubuntu 16.04', at)).toBeNull();
    expect(await kb().checkSystemVersion('FreeBSD 14', at)).toBeNull();
    expect(await kb().checkSystemVersion('', at)).toBeNull();
  });

  it('SUP-7: staff keep the version list: upsert by system and version in any case, delete, each audited', async () => {
    const added = await kb().upsertSystemVersion(ctx, support, { system: 'Fedora', version: '40', endOfLifeOn: '2025-05-13', notes: 'Short-lived' });
    expect(added.created).toBe(true);
    const again = await kb().upsertSystemVersion(ctx, support, { system: 'fedora', version: '40', endOfLifeOn: '2025-05-28' });
    expect(again).toMatchObject({ created: false, systemVersion: { id: added.systemVersion.id, system: 'fedora', endOfLifeOn: '2025-05-28', notes: null } });
    expect(await kb().checkSystemVersion('Fedora Linux 40 (Workstation Edition)', new Date('2025-06-01T00:00:00Z'))).toMatchObject({ endOfLife: true });
    await kb().deleteSystemVersion(ctx, support, added.systemVersion.id);
    expect(await kb().checkSystemVersion('Fedora 40', new Date())).toBeNull();
    expect(await codeOf(kb().deleteSystemVersion(ctx, support, added.systemVersion.id))).toBe('support.system_version_not_found');
    expect(await codeOf(kb().upsertSystemVersion(ctx, support, { system: 'Fedora', version: '41', endOfLifeOn: '2025-02-30' }))).toBe('accounts.invalid_field');
    expect(await codeOf(kb().upsertSystemVersion(ctx, support, { system: '---', version: '41', endOfLifeOn: null }))).toBe('accounts.invalid_field');
    const actions = (await t.app.db.selectFrom('audit_log').select(['action', 'target_id']).where('target_id', '=', added.systemVersion.id).orderBy('seq').execute()).map((r) => r.action);
    expect(actions).toEqual(['support.kb_system_version_added', 'support.kb_system_version_updated', 'support.kb_system_version_deleted']);
  });

  it('SUP-7: only staff with support.kb write: the support and owner roles may, the privacy role and an org admin may not', async () => {
    const owner = await staff('owner');
    const privacy = await staff('privacy');
    const a = await verifiedUser(t);
    const admin = await callerOfToken(t, a.token, a.organization.id);
    expect((await kb().createArticle(ctx, owner, { title: 'Owner wrote this', markdown: 'Text.' })).slug).toBe('owner-wrote-this');
    for (const p of [privacy, admin]) {
      expect(await codeOf(kb().createArticle(ctx, p, { title: 'Nope', markdown: 'x' }))).toBe('common.forbidden');
      expect(await codeOf(kb().updateArticle(ctx, p, 'owner-wrote-this', { title: 'Nope', markdown: 'x', published: true }))).toBe('common.forbidden');
      expect(await codeOf(kb().deleteArticle(ctx, p, 'owner-wrote-this'))).toBe('common.forbidden');
      expect(await codeOf(kb().upsertSystemVersion(ctx, p, { system: 'Ubuntu', version: '18.04', endOfLifeOn: null }))).toBe('common.forbidden');
      expect(await codeOf(kb().deleteSystemVersion(ctx, p, 'sv_ubuntu_18_04'))).toBe('common.forbidden');
      expect(await codeOf(kb().listArticlesForStaff(p, undefined, { limit: 10 }))).toBe('common.forbidden');
    }
    expect(await codeOf(kb().getArticle('nope-wrote-this'))).toBe('support.article_not_found');
  });

  it('SUP-7: article writes are audited in their transaction; a taken slug is refused and changes nothing', async () => {
    const { audit } = t.app;
    const a = await write('audited', 'Audited article', 'Body.');
    await kb().updateArticle(ctx, support, 'audited', { slug: 'audited-moved', title: 'Audited article', markdown: 'New body.', tags: ['LDAP', 'ldap'], published: true });
    expect(await codeOf(write('audited-moved', 'Clash', 'x'))).toBe('support.slug_taken');
    expect(await codeOf(kb().updateArticle(ctx, support, 'sssd-ldap-setup', { slug: 'audited-moved', title: 'x', markdown: 'x', published: true }))).toBe('support.slug_taken');
    expect(await codeOf(kb().updateArticle(ctx, support, 'audited', { title: 'x', markdown: 'x', published: true }))).toBe('support.article_not_found');
    expect((await kb().getArticle('audited-moved')).tags).toEqual(['ldap']);
    await kb().deleteArticle(ctx, support, 'audited-moved');
    expect(await slugs('audited')).toEqual([]);
    const rows = await t.app.db.selectFrom('audit_log').select(['action', 'actor_type', 'details']).where('target_type', '=', 'kb_article').orderBy('seq').execute();
    const mine = rows.filter((r) => JSON.parse(String(r.details)).slug?.startsWith('audited'));
    expect(mine.map((r) => r.action)).toEqual(['support.kb_article_created', 'support.kb_article_updated', 'support.kb_article_deleted']);
    expect(JSON.parse(String(mine[1]!.details))).toMatchObject({ slug: 'audited-moved', previousSlug: 'audited' });
    expect(a.slug).toBe('audited');
    expect(await audit.verify()).toMatchObject({ ok: true });
  });
});
