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
