import { test } from '@playwright/test';
import { expect, seriousViolations } from './journeys';
import { seed, signedIn } from './seed';

test('an owner changes a role and finds it in the audit log, filters it by action and person, and axe finds nothing serious', async ({
  browser,
  request,
}) => {
  const alice = await seed.user(request, 'Alice');
  const bob = await seed.user(request, 'Bob');
  const workspace = await seed.workspace(request, alice, [bob]);

  const owner = await signedIn(browser, alice);
  await owner.goto(`/w/${workspace.id}/admin/members`);
  const bobRole = owner.getByRole('combobox', { name: 'Role of Bob' });
  await bobRole.selectOption('admin');
  await expect(bobRole).toHaveValue('admin');

  await owner.getByRole('link', { name: 'Audit log', exact: true }).click();
  await expect(owner).toHaveURL(new RegExp(`/w/${workspace.id}/admin/audit$`));
  const roleChange = owner.getByRole('row').filter({ hasText: 'Role changed' });
  await expect(roleChange).toHaveCount(1);
  await expect(roleChange.getByRole('cell').nth(1)).toHaveText('Alice');
  await expect(roleChange.getByRole('cell').nth(3)).toHaveText('Bob');
  await expect(roleChange.getByRole('cell').nth(4)).toHaveText('127.0.0.1');
  // The invite that brought Bob in is there too, until the filters leave only the role change.
  await expect(owner.getByRole('row').filter({ hasText: 'Invite link created' })).toHaveCount(1);
  await owner.getByLabel('Action').selectOption({ label: 'Role changed' });
  await expect(owner.getByRole('row').filter({ hasText: 'Invite link created' })).toHaveCount(0);
  await expect(roleChange).toHaveCount(1);
  await owner.getByLabel('Person').selectOption({ label: 'Bob' });
  await expect(owner.getByText('Nothing recorded yet.')).toBeVisible();
  await owner.getByLabel('Person').selectOption({ label: 'Alice' });
  await expect(roleChange).toHaveCount(1);

  expect(await seriousViolations(owner), 'axe on the audit log').toEqual([]);
});

test('"Load more" brings the next page of older entries', async ({ browser, request }) => {
  const alice = await seed.user(request, 'Alice');
  const workspace = await seed.workspace(request, alice);
  // 55 invite links: one more page than the first 50.
  for (let i = 0; i < 55; i++) {
    const response = await request.post(`/api/v1/workspaces/${workspace.id}/invites`, {
      headers: { authorization: `Bearer ${alice.token}` },
      data: {},
    });
    expect(response.status()).toBe(201);
  }
  const owner = await signedIn(browser, alice);
  await owner.goto(`/w/${workspace.id}/admin/audit`);
  const rows = owner.getByRole('row').filter({ hasText: 'Invite link created' });
  await expect(rows).toHaveCount(50);
  await owner.getByRole('button', { name: 'Load more' }).click();
  await expect(rows).toHaveCount(55);
  await expect(owner.getByRole('button', { name: 'Load more' })).toHaveCount(0);
});
