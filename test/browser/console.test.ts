/**
 * The directory console in headless Chromium against a Castellan on a real port,
 * its mail read from a real SMTP sink: an admin invites a user from the Users page,
 * the invitation arrives by SMTP, the user sets their password from its link and
 * signs in; the admin puts them in a group, grants the group a resource, sees who
 * can use what from both sides, and suspends them. Also the free plan's limit and
 * bad input in the invite form.
 *
 * SQLite only: the pages do not depend on the database, and the API tests cover
 * the directory on PostgreSQL.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { json, uniqueEmail, verifiedUser } from '../helpers/app.ts';
import {
  type BrowserApp,
  WAIT_MS,
  atPath,
  bodyOf,
  buttonOn,
  descriptionOf,
  escapeRegExp,
  fieldOn,
  latestMail,
  launchBrowser,
  tokenFrom,
  newPage,
  nextResponse,
  requireWebBuild,
  shoot,
  sqliteDialect,
  startBrowserApp,
  visible,
  watchPages,
} from '../helpers/browser.ts';

let browser: Browser;
let t: BrowserApp;
let page: Page;

beforeAll(async () => {
  requireWebBuild();
  browser = await launchBrowser();
  t = await startBrowserApp(sqliteDialect);
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** A fresh browser context per test; no page errors may happen in it. */
const pages = watchPages();
beforeEach(async () => {
  page = (await pages.open(browser, t.url)).page;
});

// ---- small helpers --------------------------------------------------------------

const field = (label: string) => fieldOn(page, label);
const heading = (name: string) => page.getByRole('heading', { name, exact: true });
const button = (name: string) => buttonOn(page, name);
const link = (name: string) => page.getByRole('link', { name, exact: true });
/** The table row (or list item) that mentions `text`. */
const rowOf = (container: Locator, text: string) => container.locator('tr, li').filter({ hasText: text });

type Admin = Awaited<ReturnType<typeof verifiedUser>>;

/** A verified org admin (signed up and verified through the API and the SMTP sink), signed in in the browser. */
async function adminSignedIn(name = 'Ada Lovelace'): Promise<Admin> {
  const admin = await verifiedUser(t, { email: uniqueEmail('admin'), name });
  await signIn(page, admin.body.email, admin.body.password);
  await atPath(page, '/console');
  return admin;
}

async function signIn(p: Page, email: string, password: string) {
  await p.goto('/sign-in');
  await (await visible(fieldOn(p, 'Email'))).fill(email);
  await fieldOn(p, 'Password').fill(password);
  const answer = nextResponse(p, 'POST', '/api/v1/sessions');
  await buttonOn(p, 'Sign in').click();
  expect((await answer).status()).toBe(201);
}


/** Creates a user through the API with the admin's bearer token. */
async function createUserByApi(admin: Admin, name: string) {
  const res = await t.app.http.inject({
    method: 'POST',
    url: `/api/v1/orgs/${admin.organization.id}/users`,
    headers: admin.auth,
    payload: { email: uniqueEmail('member'), name },
  });
  expect(res.statusCode, res.body).toBe(201);
  return json(res);
}

/** Picks `option` in the Mantine Select labelled `label` (opens it, clicks the option). */
async function pick(label: string, option: RegExp | string) {
  await (await visible(field(label))).click();
  await (await visible(page.getByRole('option', { name: option }))).click();
}

/** Opens the invite form and fills it. */
async function fillInvite(email: string, name: string, username?: string) {
  await (await visible(button('Invite user'))).click();
  const dialog = page.getByRole('dialog');
  await visible(dialog);
  await (await visible(field('Email'))).fill(email);
  await field('Name').fill(name);
  if (username) await field('Username (optional)').fill(username);
  return dialog;
}

// ---- the journey -----------------------------------------------------------------

describe('the directory console', () => {
  // The longest journey of the suite: it gets twice the usual time, for a busy machine.
  it('DIR-2, DIR-3, ACC-2, ACC-6: invite a user who sets their own password from the emailed link; a group grants a resource; who can use what from both sides; suspension leaves nothing allowed', async () => {
    const admin = await adminSignedIn();
    const orgId = admin.organization.id as string;

    // Users: the admin is listed; "Invite user" opens the form.
    await (await visible(link('Users'))).click();
    await atPath(page, '/console/users');
    await visible(heading('Users'));
    await visible(field('Search users'));
    const users = page.getByTestId('users-table');
    for (const column of ['Name', 'Email', 'Username', 'Status', 'Role']) await visible(users.getByRole('columnheader', { name: column, exact: true }));
    await visible(rowOf(users, admin.body.email));
    await shoot(page, 'console-users');

    const email = uniqueEmail('grace');
    const dialog = await fillInvite(email, 'Grace Hopper', 'grace');
    await shoot(page, 'console-users-invite');
    const created = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/users`);
    await dialog.getByRole('button', { name: 'Send invitation', exact: true }).click();
    expect((await created).status()).toBe(201);
    const grace = await bodyOf(await created);
    await visible(page.getByRole('status').filter({ hasText: `Invitation sent to ${email}` }));
    const graceRow = rowOf(users, email);
    await visible(graceRow);
    expect(await graceRow.innerText()).toMatch(/Grace Hopper[\s\S]*grace[\s\S]*Invited[\s\S]*Member/i);

    // ACC-2: the invitation arrives by SMTP; its link creates the account with the person's own password, in another browser.
    const mail = await latestMail(t.smtp, email, 'Invitation');
    const inviteToken = tokenFrom(mail.text, '/invitations');
    const inviteLink = `${t.url}/invitations/${inviteToken}`;
    const invitee = await newPage(browser, t.url);
    try {
      const p = invitee.page;
      await p.goto(inviteLink);
      await visible(p.getByRole('heading', { name: `Join “${admin.organization.name}”`, exact: true }));
      // A weak password is refused next to the field, and the link still works afterwards.
      const password = await visible(fieldOn(p, 'Password'));
      await password.fill('password1234');
      const weak = nextResponse(p, 'POST', `/api/v1/invitations/${inviteToken}/accept`);
      await buttonOn(p, 'Create my account and accept').click();
      expect((await bodyOf(await weak)).code).toBe('accounts.weak_password');
      await expect.poll(() => password.getAttribute('aria-invalid'), { timeout: WAIT_MS }).toBe('true');
      expect(await descriptionOf(p, password)).not.toBe('');
      await password.fill('quiet-river-compass-58');
      await visible(p.getByText(/Strength: (weak|fair|good|strong)/));
      await shoot(p, 'accept-invitation');
      const accepted = nextResponse(p, 'POST', `/api/v1/invitations/${inviteToken}/accept`);
      await buttonOn(p, 'Create my account and accept').click();
      expect((await accepted).status()).toBe(200);
      await visible(p.getByRole('heading', { name: 'Welcome', exact: true }));
      await shoot(p, 'accept-invitation-done');
      await (await visible(p.getByRole('link', { name: 'Sign in', exact: true }))).click();
      await atPath(p, '/sign-in');
      await signIn(p, email, 'quiet-river-compass-58');
      await atPath(p, '/account');
      await visible(p.getByText('Grace Hopper'));

      // The user's page: the POSIX account, and nothing to use yet.
      await (await visible(graceRow.getByRole('link', { name: 'Grace Hopper', exact: true }))).click();
      await atPath(page, `/console/users/${grace.id}`);
      await visible(heading('Grace Hopper'));
      for (const label of ['uidNumber', 'gidNumber', 'Home directory', 'Login shell']) await visible(page.getByText(label, { exact: true }));
      await visible(page.getByText(String(grace.uidNumber), { exact: true }));
      await visible(page.getByText('/home/grace', { exact: true }));
      await visible(page.getByText(/^Nothing yet\./));
      await shoot(page, 'console-user');

      // Groups: create one, open it, add the user.
      await link('Groups').click();
      await atPath(page, '/console/groups');
      await visible(heading('Groups'));
      await (await visible(field('Group name'))).fill('Engineers');
      await field('Description (optional)').fill('Everyone who builds things');
      const groupCreated = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/groups`);
      await button('Create group').click();
      expect((await groupCreated).status()).toBe(201);
      const groups = page.getByTestId('groups-table');
      await visible(groups.getByRole('link', { name: 'Engineers', exact: true }));
      await shoot(page, 'console-groups');
      await groups.getByRole('link', { name: 'Engineers', exact: true }).click();
      await atPath(page, /^\/console\/groups\/[^/]+$/);
      await visible(heading('Engineers'));
      await visible(page.getByText('No members yet.'));
      await pick('User', new RegExp(`^Grace Hopper \\(${escapeRegExp(email)}\\)$`));
      const added = nextResponse(page, 'POST', `${new URL(page.url()).pathname.replace('/console', `/api/v1/orgs/${orgId}`)}/members`);
      await button('Add member').click();
      expect((await added).status()).toBe(204);
      const members = page.getByTestId('members');
      await visible(members.getByRole('link', { name: 'Grace Hopper', exact: true }));
      await visible(rowOf(members, 'Grace Hopper').getByRole('button', { name: 'Remove', exact: true }));
      await shoot(page, 'console-group');

      // Resources: add an application, grant the group access.
      await link('Resources').click();
      await atPath(page, '/console/resources');
      await visible(heading('Resources'));
      await (await visible(field('Kind'))).selectOption({ label: 'Application' });
      await field('Resource name').fill('Team wiki');
      const resourceCreated = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/resources`);
      await button('Add resource').click();
      expect((await resourceCreated).status()).toBe(201);
      const resource = await bodyOf(await resourceCreated);
      expect(resource.kind).toBe('application');
      const resources = page.getByTestId('resources-table');
      await visible(rowOf(resources, 'Team wiki').getByText('Application'));
      await shoot(page, 'console-resources');
      await resources.getByRole('link', { name: 'Team wiki', exact: true }).click();
      await atPath(page, `/console/resources/${resource.id}`);
      await visible(heading('Team wiki'));
      await visible(page.getByText('Nobody yet.', { exact: false }));
      await pick('User or group', 'Engineers');
      const granted = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/resources/${resource.id}/bindings`);
      await button('Grant access').click();
      expect((await granted).status()).toBe(201);
      await visible(rowOf(page.getByTestId('bindings'), 'Engineers').getByRole('button', { name: 'Revoke', exact: true }));

      // DIR-3: who can use it: the user, through the group.
      await visible(page.getByRole('heading', { name: 'Who can use it', exact: true }));
      const whoCanUse = page.getByTestId('resource-access');
      const graceAccess = rowOf(whoCanUse, 'Grace Hopper');
      await visible(graceAccess);
      expect(await graceAccess.innerText()).toMatch(/Grace Hopper[\s\S]*through group Engineers[\s\S]*Allowed/i);
      expect(await graceAccess.innerText()).not.toMatch(/not allowed/i);
      expect(await whoCanUse.locator('li').count()).toBe(1);
      await shoot(page, 'console-resource');

      // …and from the user's side: "Can use" lists the resource, and how.
      await whoCanUse.getByRole('link', { name: 'Grace Hopper', exact: true }).click();
      await atPath(page, `/console/users/${grace.id}`);
      const canUse = page.getByTestId('can-use');
      const wiki = rowOf(canUse, 'Team wiki');
      await visible(wiki);
      expect(await wiki.innerText()).toMatch(/Team wiki[\s\S]*Application[\s\S]*through group Engineers[\s\S]*Allowed/i);
      expect(await wiki.innerText()).not.toMatch(/not allowed/i);
      await shoot(page, 'console-user-can-use');

      // ACC-6: suspension ends the user's sessions at once, and nothing is allowed.
      expect((await p.request.get('/api/v1/me')).status()).toBe(200);
      const suspended = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/users/${grace.id}/suspend`);
      await button('Suspend').click();
      expect((await suspended).status()).toBe(200);
      await visible(page.getByText('Grace Hopper is suspended, so nothing is allowed', { exact: false }));
      await visible(button('Reactivate'));
      await visible(wiki.getByText('Not allowed', { exact: true }));
      expect(await canUse.getByText('Allowed', { exact: true }).count()).toBe(0);
      expect((await p.request.get('/api/v1/me')).status()).toBe(401);
      await shoot(page, 'console-user-suspended');

      const decision = await t.app.http.inject({
        method: 'GET',
        url: `/api/v1/orgs/${orgId}/access?userId=${grace.id}&resourceId=${resource.id}`,
        headers: admin.auth,
      });
      expect(json(decision)).toMatchObject({ allowed: false, reason: 'suspended' });

      await page.goto(`/console/resources/${resource.id}`);
      await visible(rowOf(page.getByTestId('resource-access'), 'Grace Hopper').getByText('Not allowed', { exact: true }));

      // The Users page shows the status too, and offers "Reactivate".
      await page.goto('/console/users');
      await visible(rowOf(users, email).getByText('Suspended', { exact: true }));
      await visible(rowOf(users, email).getByRole('button', { name: 'Reactivate', exact: true }));
      expect(invitee.problems).toEqual([]);
    } finally {
      await invitee.context.close();
    }
  }, 120_000);

  it('DIR-4: the free plan refuses the 11th active user with a clear error; deleting one (after confirming) makes room', async () => {
    const admin = await adminSignedIn('Katherine Johnson');
    const orgId = admin.organization.id as string;
    // With the admin, 10 users (invited ones count): the free plan's limit.
    for (let i = 1; i <= 9; i++) await createUserByApi(admin, `Member ${String(i).padStart(2, '0')}`);

    await page.goto('/console/users');
    const users = page.getByTestId('users-table');
    await visible(rowOf(users, 'Member 09'));
    expect(await users.locator('tbody tr').count()).toBe(10);

    // Search narrows the list.
    const searched = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/orgs/${orgId}/users` && new URL(r.url()).searchParams.get('q') === 'Member 03');
    await field('Search users').fill('Member 03');
    expect((await searched).status()).toBe(200);
    await users.locator('tbody tr').filter({ hasText: 'Member 01' }).waitFor({ state: 'detached', timeout: WAIT_MS });
    expect(await users.locator('tbody tr').count()).toBe(1);
    await field('Search users').fill('');
    await visible(rowOf(users, 'Member 01'));

    const email = uniqueEmail('eleventh');
    const dialog = await fillInvite(email, 'Dorothy Vaughan');
    const refused = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/users`);
    await dialog.getByRole('button', { name: 'Send invitation', exact: true }).click();
    const res = await refused;
    expect(res.status()).toBe(403);
    expect((await bodyOf(res)).code).toBe('directory.user_limit_reached');
    const alert = await visible(dialog.getByRole('alert'));
    expect(await alert.innerText()).toContain('User limit reached');
    expect(await alert.innerText()).toContain('The free plan allows at most 10 users');
    await shoot(page, 'console-users-limit');

    // Withdraw one invitation: the confirmation names them; its seat is free again, and the new invitation goes through.
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: WAIT_MS });
    await rowOf(users, 'Member 09').getByRole('button', { name: 'Withdraw invitation', exact: true }).click();
    const confirm = page.getByRole('dialog');
    await visible(confirm.getByText('Member 09', { exact: false }));
    await shoot(page, 'console-users-delete');
    const deleted = page.waitForResponse((r) => r.request().method() === 'DELETE' && new URL(r.url()).pathname.startsWith(`/api/v1/orgs/${orgId}/users/`));
    await confirm.getByRole('button', { name: 'Withdraw invitation', exact: true }).click();
    expect((await deleted).status()).toBe(204);
    await rowOf(users, 'Member 09').waitFor({ state: 'detached', timeout: WAIT_MS });
    await visible(page.getByRole('status').filter({ hasText: 'The invitation of Member 09 was withdrawn.' }));

    const again = await fillInvite(email, 'Dorothy Vaughan');
    const accepted = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/users`);
    await again.getByRole('button', { name: 'Send invitation', exact: true }).click();
    expect((await accepted).status()).toBe(201);
    await visible(rowOf(users, email));
  });

  it('DIR-2: an invalid email in the invite form is shown next to the Email field, and nobody is invited', async () => {
    const admin = await adminSignedIn('Alan Turing');
    const orgId = admin.organization.id as string;
    await page.goto('/console/users');
    await visible(page.getByTestId('users-table'));

    const dialog = await fillInvite('not-an-email', 'Joan Clarke');
    const answer = nextResponse(page, 'POST', `/api/v1/orgs/${orgId}/users`);
    await dialog.getByRole('button', { name: 'Send invitation', exact: true }).click();
    const res = await answer;
    expect([400, 422]).toContain(res.status());
    const email = field('Email');
    await visible(dialog.getByText(/valid email address|email address is not valid/i));
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await descriptionOf(page, email)).toMatch(/valid email address|email address is not valid/i);
    await shoot(page, 'console-users-invite-invalid');

    const count = await t.app.http.inject({ method: 'GET', url: `/api/v1/orgs/${orgId}/users`, headers: admin.auth });
    expect(json(count).items).toHaveLength(1);
  });

  it('ACC-2: an invitation link that is not valid shows the problem', async () => {
    const token = 'not-a-real-invitation-token-at-all';
    const answer = nextResponse(page, 'GET', `/api/v1/invitations/${token}`);
    await page.goto(`/invitations/${token}`);
    const res = await answer;
    expect(res.status()).toBe(422);
    expect((await bodyOf(res)).code).toBe('directory.invalid_invitation');
    await visible(page.getByRole('alert').filter({ hasText: 'The invitation link is invalid, expired or already used.' }));
    await shoot(page, 'accept-invitation-invalid');

    await page.goto('/accept-invitation');
    await visible(page.getByRole('alert').filter({ hasText: 'This link is incomplete' }));
  });

  it('UI: the console pages survive a reload, and an unknown id says so', async () => {
    const admin = await adminSignedIn('Mary Jackson');
    const orgId = admin.organization.id as string;
    const member = await createUserByApi(admin, 'Frances Allen');
    const group = json(await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${orgId}/groups`, headers: admin.auth, payload: { name: 'Operators' } }));
    const resource = json(
      await t.app.http.inject({ method: 'POST', url: `/api/v1/orgs/${orgId}/resources`, headers: admin.auth, payload: { kind: 'network', name: 'Office Wi-Fi' } }),
    );
    for (const [pathname, title] of [
      ['/console/users', 'Users'],
      [`/console/users/${member.id}`, 'Frances Allen'],
      ['/console/groups', 'Groups'],
      [`/console/groups/${group.id}`, 'Operators'],
      ['/console/resources', 'Resources'],
      [`/console/resources/${resource.id}`, 'Office Wi-Fi'],
    ] as const) {
      await page.goto(pathname);
      await visible(heading(title));
      await page.reload();
      await visible(heading(title));
    }
    // No page that is not built: the console has no Settings page, and its address is not found.
    await page.goto('/console/settings');
    await visible(heading('Page not found'));

    for (const [pathname, title] of [
      ['/console/users/usr_nope', 'User not found'],
      ['/console/groups/grp_nope', 'Group not found'],
      ['/console/resources/res_nope', 'Resource not found'],
    ] as const) {
      await page.goto(pathname);
      await visible(heading(title));
    }
    await shoot(page, 'console-resource-not-found');
  });
});
