import { test } from '@playwright/test';
import { expect, seriousViolations } from './journeys';
import { seed, signedIn } from './seed';

/**
 * A reply also sent to the channel: Bob ticks "Also send to #releases" under the thread's box; Alice, in the
 * channel, sees it live as "replied to a thread: <the root>", which leads to the thread, and it counts once.
 */
test('a thread reply ticked "Also send to #channel" shows in the channel, linked to its thread', async ({
  browser,
  request,
}) => {
  const alice = await seed.user(request, 'Alice');
  const bob = await seed.user(request, 'Bob');
  const workspace = await seed.workspace(request, alice, [bob]);
  const channel = await seed.channel(request, workspace.id, alice, 'releases', [bob]);
  const root = await seed.post(request, channel.id, alice, 'Release 3.1 goes out on Thursday');
  const channelUrl = `/w/${workspace.id}/c/${channel.id}`;

  const alicePage = await signedIn(browser, alice, { viewport: { width: 1280, height: 800 } });
  await alicePage.goto(channelUrl);
  const aliceLog = alicePage.getByRole('log', { name: 'Messages in # releases' });
  await expect(aliceLog.getByText('Release 3.1 goes out on Thursday')).toBeVisible();

  const bobPage = await signedIn(browser, bob, { viewport: { width: 1280, height: 800 } });
  await bobPage.goto(`${channelUrl}/t/${root.id}`);
  const thread = bobPage.getByRole('complementary', { name: 'Thread' });
  const box = thread.getByRole('textbox', { name: 'Reply in thread' });
  await box.fill('Only for the thread');
  await box.press('Enter');
  await expect(thread.getByText('Only for the thread')).toBeVisible();

  const alsoSend = thread.getByRole('checkbox', { name: 'Also send to #releases' });
  await expect(alsoSend).not.toBeChecked();
  await alsoSend.check();
  expect(await seriousViolations(bobPage), 'axe on the thread with the box ticked').toEqual([]);
  await box.fill('Changelog is ready');
  await box.press('Enter');
  await expect(thread.getByText('Changelog is ready')).toBeVisible();
  await expect(thread.getByText('Also sent to the channel')).toHaveCount(1);
  // One reply at a time: the box is unticked again.
  await expect(alsoSend).not.toBeChecked();

  // Alice sees the broadcast reply live, once, in the channel; the thread-only reply stays in the thread.
  const broadcast = aliceLog.getByRole('article').filter({ hasText: 'Changelog is ready' });
  await expect(broadcast).toHaveCount(1);
  await expect(aliceLog.getByText('Only for the thread')).toHaveCount(0);
  const context = broadcast.getByRole('link', {
    name: 'replied to a thread: Release 3.1 goes out on Thursday',
  });
  await expect(context).toBeVisible();
  await expect(aliceLog.getByRole('link', { name: '2 replies' })).toBeVisible();
  expect(await seriousViolations(alicePage), 'axe on the channel with a broadcast reply').toEqual([]);

  // Bob's channel (a reload: from the server's history) shows it once as well.
  await bobPage.goto(channelUrl);
  const bobLog = bobPage.getByRole('log', { name: 'Messages in # releases' });
  await expect(bobLog.getByRole('article').filter({ hasText: 'Changelog is ready' })).toHaveCount(1);

  await context.click();
  await expect(alicePage).toHaveURL(new RegExp(`/t/${root.id}$`));
  const aliceThread = alicePage.getByRole('complementary', { name: 'Thread' });
  await expect(aliceThread.getByText('Only for the thread')).toBeVisible();
  await expect(aliceThread.getByText('Changelog is ready')).toBeVisible();
});
