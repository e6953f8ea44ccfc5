import { test } from '@playwright/test';
import { expect } from './journeys';
import { seed, signedIn } from './seed';

test('an owner opens the admin console from the sidebar; a member sees no way in and is sent back to the chat', async ({
  browser,
  request,
}) => {
  const alice = await seed.user(request, 'Alice');
  const bob = await seed.user(request, 'Bob');
  const workspace = await seed.workspace(request, alice, [bob]);
  const general = await seed.channel(request, workspace.id, alice, 'general', [bob]);

  const owner = await signedIn(browser, alice);
  await owner.goto(`/w/${workspace.id}/c/${general.id}`);
  await owner.getByRole('link', { name: 'Administration' }).click();
  await expect(owner).toHaveURL(new RegExp(`/w/${workspace.id}/admin/members$`));
  await expect(owner.getByRole('heading', { name: 'Members' })).toBeVisible();
  const bobRow = owner.getByRole('row').filter({ hasText: 'Bob' });
  await expect(bobRow.getByRole('cell', { name: 'Member', exact: true })).toBeVisible();
  await expect(
    owner.getByRole('row').filter({ hasText: 'Alice' }).getByRole('cell', { name: 'Owner' }),
  ).toBeVisible();
  await owner.getByRole('link', { name: /^← Back to / }).click();
  await expect(owner.getByRole('heading', { name: '# general' })).toBeVisible();

  const member = await signedIn(browser, bob);
  await member.goto(`/w/${workspace.id}/c/${general.id}`);
  await expect(member.getByRole('heading', { name: '# general' })).toBeVisible();
  await expect(member.getByRole('link', { name: 'Administration' })).toHaveCount(0);
  await member.goto(`/w/${workspace.id}/admin/members`);
  await expect(member).toHaveURL(new RegExp(`/w/${workspace.id}(/c/${general.id})?$`));
  await expect(member.getByRole('heading', { name: '# general' })).toBeVisible();
});

test('an owner changes a role, makes and revokes an invite link, and removes a member (confirmed)', async ({
  browser,
  request,
}) => {
  const alice = await seed.user(request, 'Alice');
  const bob = await seed.user(request, 'Bob');
  const carol = await seed.user(request, 'Carol');
  const workspace = await seed.workspace(request, alice, [bob, carol]);

  const owner = await signedIn(browser, alice);
  await owner.goto(`/w/${workspace.id}/admin/members`);
  const bobRole = owner.getByRole('combobox', { name: 'Role of Bob' });
  await bobRole.selectOption('guest');
  await expect(bobRole).toHaveValue('guest');
  const members = await request.get(`/api/v1/workspaces/${workspace.id}/members`, {
    headers: { authorization: `Bearer ${alice.token}` },
  });
  const roles = ((await members.json()) as { items: { userId: string; role: string }[] }).items;
  expect(roles.find((member) => member.userId === bob.user.id)?.role).toBe('guest');

  await owner.getByLabel('Uses').fill('5');
  await owner.getByRole('button', { name: 'Create a link' }).click();
  await expect(owner.getByLabel('New invite link (shown once)')).toHaveValue(/\/invite\/[\w-]+$/);
  const link = await owner.getByLabel('New invite link (shown once)').inputValue();
  const invite = owner.getByRole('row').filter({ hasText: '0 of 5' });
  await expect(invite).toBeVisible();
  await invite.getByRole('button', { name: 'Revoke' }).click();
  await expect(owner.getByText('No open invite links.')).toBeVisible();
  const code = link.split('/invite/')[1];
  const accept = await request.post(`/api/v1/invites/${code}/accept`, {
    headers: { authorization: `Bearer ${(await seed.user(request, 'Dave')).token}` },
  });
  expect(accept.status()).toBe(404);

  await owner.getByRole('button', { name: 'Remove Carol' }).click();
  const confirm = owner.getByRole('dialog', { name: 'Remove Carol?' });
  await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(confirm).toBeHidden();
  await expect(owner.getByRole('row').filter({ hasText: 'Carol' })).toHaveCount(0);
  const left = await request.get(`/api/v1/workspaces/${workspace.id}`, {
    headers: { authorization: `Bearer ${carol.token}` },
  });
  expect(left.status()).toBe(404);
});

test('an admin reviews the tasks plugin, installs it through its form (a refused setting shows on its field), disables and enables it, and reads its invocation log', async ({
  browser,
  request,
}) => {
  const alice = await seed.user(request, 'Alice');
  const workspace = await seed.workspace(request, alice);
  const general = await seed.channel(request, workspace.id, alice, 'general');

  const admin = await signedIn(browser, alice);
  await admin.goto(`/w/${workspace.id}/admin/members`);
  await admin.getByRole('link', { name: 'Plugins', exact: true }).click();
  await admin.getByRole('link', { name: 'Tasks' }).click();

  // The permission review comes first; the form only after it.
  const review = admin.getByRole('region', { name: 'Permissions it asks for' });
  await expect(review.getByText('Events: reaction.added')).toBeVisible();
  await expect(review.getByText('/task add <text>', { exact: false })).toBeVisible();
  await expect(admin.getByLabel('Reminder lead minutes')).toHaveCount(0);
  await admin.getByRole('button', { name: 'I have reviewed these permissions: continue' }).click();

  const lead = admin.getByLabel('Reminder lead minutes');
  await lead.fill('99999');
  await admin.getByLabel('Sync token').fill('s3cret-token');
  await admin.getByRole('button', { name: 'Install and enable' }).click();
  await expect(admin.getByRole('alert')).toHaveText(/Some settings were refused/);
  await expect(lead).toHaveAccessibleDescription(/must be <= 10080/);
  let installs = await request.get(`/api/v1/workspaces/${workspace.id}/plugins`, {
    headers: { authorization: `Bearer ${alice.token}` },
  });
  expect(((await installs.json()) as { items: unknown[] }).items).toHaveLength(0);

  await lead.fill('30');
  await admin.getByRole('button', { name: 'Install and enable' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Enabled' })).toBeVisible();
  // The secret is kept and marked as set, never shown back.
  await expect(admin.getByText('set', { exact: true })).toBeVisible();
  await expect(admin.getByLabel(/Sync token/)).toHaveValue('');
  installs = await request.get(`/api/v1/workspaces/${workspace.id}/plugins`, {
    headers: { authorization: `Bearer ${alice.token}` },
  });
  const [install] = ((await installs.json()) as { items: Record<string, unknown>[] }).items;
  expect(install).toMatchObject({
    enabled: true,
    settings: { reminderLeadMinutes: 30 },
    secretsSet: ['syncToken'],
  });

  await admin.getByRole('button', { name: 'Disable' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Disabled' })).toBeVisible();
  await admin.getByRole('button', { name: 'Enable' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Enabled' })).toBeVisible();

  const command = await request.post(`/api/v1/channels/${general.id}/commands`, {
    headers: { authorization: `Bearer ${alice.token}` },
    data: { text: '/task add water the plants' },
  });
  expect(command.ok()).toBe(true);
  const log = admin.getByRole('region', { name: 'Invocation log' });
  await log.getByRole('button', { name: 'Refresh' }).click();
  const run = log.getByRole('row').filter({ hasText: 'task' });
  await expect(run.getByRole('cell', { name: 'OK', exact: true })).toBeVisible();
  await log.getByLabel('Outcome').selectOption('error');
  await expect(log.getByText('No runs.')).toBeVisible();
  await log.getByLabel('Outcome').selectOption('ok');
  await expect(run).toBeVisible();
});

test('an instance admin adds a plugin to the catalogue by dropping its built files on the page', async ({
  browser,
  request,
}) => {
  const operator = await seed.instanceAdmin(request);
  const workspace = await seed.workspace(request, operator);
  const page = await signedIn(browser, operator);
  await page.goto(`/w/${workspace.id}/admin/plugins`);
  const upload = page.getByRole('region', { name: 'Add a plugin to the catalogue' });
  const id = `dropped-${Date.now().toString(36)}`;
  const manifest = {
    id,
    name: `Dropped ${id}`,
    version: '1.0.0',
    sdkVersion: '^0.1.0',
    permissions: { commands: [{ command: id, description: 'Says hello' }] },
  };
  const drop = (files: { name: string; text: string }[]) =>
    page.evaluateHandle((contents) => {
      const transfer = new DataTransfer();
      for (const file of contents) transfer.items.add(new File([file.text], file.name));
      return transfer;
    }, files);

  const code = 'definePlugin({ commands: {} });';
  await upload
    .getByText(/^Drop a built plugin here/)
    .dispatchEvent('drop', { dataTransfer: await drop([{ name: 'plugin.js', text: code }]) });
  await expect(upload.getByRole('alert')).toHaveText('Both plugin.json and plugin.js are needed.');

  await upload.getByText(/^Drop a built plugin here/).dispatchEvent('drop', {
    dataTransfer: await drop([
      { name: 'plugin.json', text: JSON.stringify(manifest) },
      { name: 'plugin.js', text: code },
    ]),
  });
  await expect(upload.getByRole('status')).toHaveText(`${manifest.name} 1.0.0 is in the catalogue.`);
  await page.getByRole('link', { name: manifest.name }).click();
  await expect(page.getByRole('region', { name: 'Permissions it asks for' })).toContainText(`/${id}`);
});
