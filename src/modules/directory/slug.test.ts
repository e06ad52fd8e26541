import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp, verifiedUser } from '../../../test/helpers/app.ts';
import { dialects } from '../../../test/helpers/databases.ts';
import { slugFrom } from './slug.ts';

describe('PRO-1: organization slugs', () => {
  it('PRO-1: a slug is the name in lower-case ASCII letters, digits and single hyphens', () => {
    expect(slugFrom('Acme Rockets, Inc.')).toBe('acme-rockets-inc');
    expect(slugFrom('  Société Générale  ')).toBe('societe-generale');
    expect(slugFrom('日本')).toBe('org');
    expect(slugFrom('---')).toBe('org');
    expect(slugFrom('x'.repeat(60) + ' y')).toBe('x'.repeat(48));
    expect(slugFrom('a'.repeat(47) + ' b')).toBe('a'.repeat(47));
  });
});

describe.each(dialects)('PRO-1: organization slugs on $name', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('PRO-1: two organizations with one name get distinct slugs, shown with the memberships in /me', async () => {
    const a = await verifiedUser(t, { companyName: 'Twin Peaks' });
    const b = await verifiedUser(t, { companyName: 'twin peaks!' });
    expect(a.organization.slug).toBe('twin-peaks');
    expect(b.organization.slug).toBe('twin-peaks-2');
    const me = (await t.app.http.inject({ method: 'GET', url: '/api/v1/me', headers: b.auth })).json() as { memberships: Array<{ organization: { id: string; slug: string } }> };
    expect(me.memberships.map((m) => m.organization)).toEqual([expect.objectContaining({ id: b.organization.id, slug: 'twin-peaks-2' })]);
  });
});
