import { test } from '@playwright/test';
import { expect, seriousViolations } from './journeys';
import { seed, signedIn } from './seed';

/**
 * Slash commands from the composer with the first-party tasks plugin installed through the API (its syntax:
 * plugins/tasks/README.md): `/` offers what the reader may run, `add` is answered in the conversation by the
 * plugin's bot, `list` only to the typist, and a command typed in a thread is answered there. Bot posts (a
 * plugin's, an incoming webhook's) carry their name and an "app" badge.
 */
test('the composer runs slash commands; answers only the typist sees can be dismissed; bot posts are badged', async ({
  browser,
  request,
}) => {
  const ada = await seed.user(request, 'Ada');
  const workspace = await seed.workspace(request, ada);
  const channel = await seed.channel(request, workspace.id, ada, 'chores');
  await seed.installPlugin(request, workspace.id, ada, 'tasks');
  const root = await seed.post(request, channel.id, ada, 'Weekend plans');
  const page = await signedIn(browser, ada);
  await page.goto(`/w/${workspace.id}/c/${channel.id}`);

  // `/ta` offers /task with its usage and description; choosing it fills the box.
  const box = page.getByRole('textbox', { name: 'Message # chores' });
  await box.pressSequentially('/ta');
  const offered = page.getByRole('listbox', { name: 'Commands' }).getByRole('option');
  await expect(offered).toHaveCount(1);
  await expect(offered).toContainText('/task');
  await expect(offered).toContainText('add <text> [@person] [due] | list [mine|all]');
  await expect(offered).toContainText("Keeps this channel's to-do list");
  await offered.click();
  await expect(box).toHaveValue('/task ');

  // `add` is answered in the channel by the plugin's bot, named and badged as an app.
  await box.pressSequentially('add Buy milk');
  await box.press('Enter');
  await expect(box).toHaveValue('');
  const added = page.getByRole('log').getByRole('article').filter({ hasText: 'added #1 Buy milk' });
  await expect(added).toContainText('@Ada added #1 Buy milk');
  await expect(added.locator('.author')).toHaveText('Tasks');
  await expect(added.getByText('App', { exact: true })).toBeVisible();

  // `list` is answered to Ada alone, marked so, until she dismisses it.
  await box.fill('/task list');
  await box.press('Enter');
  const answers = page.getByRole('region', { name: 'Answers only you can see' });
  const answer = answers.getByRole('article', { name: 'Answer from Tasks' });
  await expect(answer).toContainText('Open tasks in this channel:');
  await expect(answer).toContainText('#1 Buy milk');
  await expect(answer).toContainText('Only visible to you');
  expect(await seriousViolations(page)).toEqual([]);
  await answer.getByRole('button', { name: 'Dismiss' }).click();
  await expect(answers).toHaveCount(0);

  // In a thread, the bot answers in the thread and the answer for Ada shows in the thread panel only.
  await page.goto(`/w/${workspace.id}/c/${channel.id}/t/${root.id}`);
  const thread = page.getByRole('complementary', { name: 'Thread' });
  const reply = thread.getByRole('textbox', { name: 'Reply in thread' });
  await reply.fill('/task add Paint the fence');
  await reply.press('Enter');
  await expect(thread.getByRole('article').filter({ hasText: 'added #2 Paint the fence' })).toBeVisible();
  await expect(page.getByRole('article').filter({ hasText: 'Weekend plans' }).first()).toContainText(
    '1 reply',
  );
  await reply.fill('/task list');
  await reply.press('Enter');
  const threadAnswer = thread.getByRole('region', { name: 'Answers only you can see' }).getByRole('article');
  await expect(threadAnswer).toContainText('#2 Paint the fence');
  await expect(
    page.locator('.channel').getByRole('region', { name: 'Answers only you can see' }),
  ).toHaveCount(0);
  await expect(page.getByRole('log', { name: 'Messages in # chores' })).not.toContainText('Paint the fence');

  // An unknown command is not posted: Ada is told, privately.
  await reply.fill('/nosuch thing');
  await reply.press('Enter');
  await expect(thread.getByRole('region', { name: 'Answers only you can see' })).toContainText(
    '/nosuch is not a command here',
  );

  // A post through an incoming webhook shows the name it asked for and the badge.
  const hook = await seed.incomingWebhook(request, channel.id, ada, 'CI');
  const delivered = await request.post(hook, { data: { text: 'Deploy finished', username: 'Deploy bot' } });
  expect(delivered.ok()).toBe(true);
  const deploy = page.getByRole('log', { name: 'Messages in # chores' }).getByRole('article').filter({
    hasText: 'Deploy finished',
  });
  await expect(deploy.locator('.author')).toHaveText('Deploy bot');
  await expect(deploy.getByText('App', { exact: true })).toBeVisible();
});
