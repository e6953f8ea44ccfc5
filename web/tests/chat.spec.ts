import { test } from '@playwright/test';
import { expect, send, seriousViolations, signUp } from './journeys';

/**
 * Two people in two browser contexts: Alice signs up, creates a workspace and #general, invites Bob by link;
 * Bob signs up from the link, joins #general; they chat live, in the channel and in a thread.
 */
test('two people chat live', async ({ browser }) => {
  // Unique per run, so the journey can run again against the same server (workspace addresses are unique).
  const workspaceName = `Équipe Lyon ${Date.now().toString(36)}`;
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();

  await alice.goto('/');
  await expect(alice).toHaveURL(/\/signin/);
  expect(await seriousViolations(alice), 'axe on the sign-in page').toEqual([]);
  await alice.getByRole('link', { name: 'Create an account' }).click();
  await signUp(alice, 'Alice');

  await alice.getByRole('button', { name: 'Create a workspace' }).first().click();
  await alice.getByLabel('Workspace name').fill(workspaceName);
  await alice.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(alice.getByRole('heading', { name: workspaceName }).first()).toBeVisible();

  await alice.getByRole('button', { name: '+ Create a channel' }).click();
  await alice.getByLabel('Channel name').fill('general');
  await alice.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(alice.getByRole('heading', { name: '# general' })).toBeVisible();

  await alice.getByRole('navigation').getByRole('button', { name: 'Invite people' }).click();
  const invite = alice.getByRole('textbox', { name: 'Invite people' });
  await expect(invite).toHaveValue(/\/invite\//);
  const link = await invite.inputValue();
  await alice.getByRole('button', { name: 'Close' }).click();

  // Bob opens the link signed out: sign-up first, then the invite is accepted and the workspace opens.
  await bob.goto(link);
  await expect(bob).toHaveURL(/\/signin\?next=/);
  await bob.getByRole('link', { name: 'Create an account' }).click();
  await signUp(bob, 'Bob');
  await expect(bob.getByRole('heading', { name: workspaceName }).first()).toBeVisible();
  await bob.getByRole('navigation').getByRole('button', { name: 'Browse channels' }).click();
  await bob.getByRole('button', { name: 'Join #general' }).click();
  await expect(bob.getByRole('heading', { name: '# general' })).toBeVisible();

  // Live both ways, rendered as markdown.
  await send(alice, 'Hello **Bob**, welcome!');
  await expect(bob.getByRole('log').getByText('Bob', { exact: true })).toHaveJSProperty('tagName', 'STRONG');
  await send(bob, 'Thanks Alice');
  await expect(alice.getByRole('log').getByText('Thanks Alice')).toBeVisible();

  // Alice's own message went pending → sent: no "Sending…" or "Not sent." remains.
  await expect(alice.getByText('Sending…')).toHaveCount(0);
  await expect(alice.getByText('Not sent.')).toHaveCount(0);

  // A thread: Bob replies to Alice's message in the side panel; Alice sees the reply count change live.
  const aliceMessage = bob.getByRole('article').filter({ hasText: 'welcome!' });
  await aliceMessage.hover();
  await aliceMessage.getByRole('link', { name: 'Reply in thread' }).click();
  const thread = bob.getByRole('complementary', { name: 'Thread' });
  await thread.getByRole('textbox', { name: 'Reply in thread' }).fill('A reply in the thread');
  await thread.getByRole('textbox', { name: 'Reply in thread' }).press('Enter');
  await expect(thread.getByText('A reply in the thread')).toBeVisible();
  await expect(alice.getByRole('link', { name: '1 reply' })).toBeVisible();

  // Edits and deletions appear live at the other's screen.
  const own = alice.getByRole('article').filter({ hasText: 'welcome!' });
  await own.getByRole('button', { name: 'Edit' }).click();
  const editBox = alice.getByRole('textbox', { name: /^Edit message/ });
  await editBox.fill('Hello **Bob**, welcome aboard!');
  await editBox.press('Enter');
  // In the channel (Bob's open thread shows the edited root too).
  const bobsChannel = bob.getByRole('log', { name: 'Messages in # general' });
  await expect(bobsChannel.getByText('welcome aboard!')).toBeVisible();
  await expect(
    bobsChannel.getByRole('article').filter({ hasText: 'welcome aboard!' }).getByText('(edited)'),
  ).toBeVisible();
  await expect(bob.getByRole('log', { name: 'Thread' }).getByText('welcome aboard!')).toBeVisible();
  await bob
    .getByRole('article')
    .filter({ hasText: 'Thanks Alice' })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(alice.getByRole('log').getByText('Thanks Alice')).toHaveCount(0);

  // From Enter at Alice's screen to the message drawn at Bob's: both pages share this machine's clock, and
  // Bob's page checks on every animation frame. Alice's page notes when the key went down, so the time the
  // test runner takes to type the text is not counted.
  await alice.evaluate(() =>
    document.addEventListener(
      'keydown',
      (event) => {
        if (event.key === 'Enter' && !event.shiftKey) document.body.dataset.enterAt = String(Date.now());
      },
      { capture: true },
    ),
  );
  const latencies: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const text = `sample ${i}`;
    const arrival = bob.waitForFunction(
      (wanted) =>
        [...document.querySelectorAll('[role=log] article')].some((node) =>
          node.textContent?.includes(wanted),
        ) && Date.now(),
      text,
      { polling: 'raf' },
    );
    await send(alice, text);
    const arrived = (await (await arrival).jsonValue()) as number;
    const started = Number(await alice.evaluate(() => document.body.dataset.enterAt));
    latencies.push(arrived - started);
  }
  latencies.sort((a, b) => a - b);
  const p95 = latencies[Math.ceil(latencies.length * 0.95) - 1]!;
  console.log(
    `message from Alice's Enter to Bob's screen: median ${latencies[10]} ms, p95 ${p95} ms (20 samples)`,
  );

  expect(await seriousViolations(alice), 'axe on the channel screen').toEqual([]);
});
