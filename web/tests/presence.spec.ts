import { test } from '@playwright/test';
import { expect } from './journeys';
import { seed, signedIn } from './seed';

/**
 * Alice and Bob share #general and a DM. Each sees the other's status (sidebar DM, message authors, the people
 * picker) change live; Bob sees "Alice is typing…" in the channel and in a thread of it while she types, and it
 * goes when she sends or stops; Alice never sees her own.
 */
test('presence dots and typing indicators, live', async ({ browser, request }) => {
  const alice = await seed.user(request, 'Alice');
  const bob = await seed.user(request, 'Bob');
  const workspace = await seed.workspace(request, alice, [bob]);
  const general = await seed.channel(request, workspace.id, alice, 'general', [bob]);
  await seed.dm(request, workspace.id, alice, bob);
  await seed.post(request, general.id, alice, 'Morning all');
  const url = `/w/${workspace.id}/c/${general.id}`;

  const bobPage = await signedIn(browser, bob);
  await bobPage.goto(url);
  const aliceLink = bobPage.getByRole('link', { name: /Alice/ });
  await expect(aliceLink.getByRole('img', { name: 'Offline' })).toBeVisible();
  await expect(bobPage.locator('.sidebar-footer').getByRole('img', { name: 'Online' })).toBeVisible();

  const alicePage = await signedIn(browser, alice);
  await alicePage.goto(url);
  await expect(aliceLink.getByRole('img', { name: 'Online' })).toBeVisible();
  const aliceMessage = bobPage.getByRole('article').filter({ hasText: 'Morning all' });
  await expect(aliceMessage.getByRole('img', { name: 'Online' })).toHaveAttribute('title', 'Online');
  await expect(
    alicePage.getByRole('link', { name: /Bob/ }).getByRole('img', { name: 'Online' }),
  ).toBeVisible();

  // Typing in the channel: Bob sees it, Alice does not see herself; sending clears it at once.
  const aliceBox = alicePage.getByRole('textbox', { name: 'Message # general' });
  await aliceBox.pressSequentially('Hello there');
  await expect(bobPage.getByText('Alice is typing…')).toBeVisible();
  await expect(alicePage.getByText(/is typing/)).toHaveCount(0);
  await aliceBox.press('Enter');
  await expect(bobPage.getByRole('log').getByText('Hello there')).toBeVisible();
  await expect(bobPage.getByText('Alice is typing…')).toHaveCount(0);

  // In a thread panel of the channel; typing that stops fades out by itself.
  await aliceMessage.getByRole('link', { name: 'Reply in thread' }).click();
  const thread = bobPage.getByRole('complementary', { name: 'Thread' });
  // The server passes one typing frame per person and channel every 2 s: keys come until one gets through.
  await expect(async () => {
    await aliceBox.press('x');
    await expect(thread.getByText('Alice is typing…')).toBeVisible({ timeout: 1_000 });
  }).toPass();
  await expect(thread.getByText('Alice is typing…')).toHaveCount(0, { timeout: 15_000 });

  // The people picker shows statuses too; Alice leaving turns her offline everywhere Bob looks.
  await bobPage.getByRole('button', { name: '+ New direct message' }).click();
  const picker = bobPage.getByRole('dialog');
  await expect(
    picker.getByRole('listitem').filter({ hasText: 'Alice' }).getByRole('img'),
  ).toHaveAccessibleName('Online');
  await alicePage.context().close();
  await expect(
    picker.getByRole('listitem').filter({ hasText: 'Alice' }).getByRole('img'),
  ).toHaveAccessibleName('Offline');
  await picker.getByRole('button', { name: 'Close' }).click();
  await expect(aliceLink.getByRole('img', { name: 'Offline' })).toBeVisible();
  await bobPage.context().close();
});
