import { test, type Browser, type Page } from '@playwright/test';
import { createWorkspaceWithGeneral, expect, inviteLink, send, seriousViolations, signUp } from './journeys';

/** Alice and Bob, each in a browser of their own, both in Alice's new workspace's #general. */
async function twoInGeneral(browser: Browser): Promise<{ alice: Page; bob: Page }> {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await alice.goto('/signup');
  await signUp(alice, 'Alice');
  await createWorkspaceWithGeneral(alice, 'Composer');
  const link = await inviteLink(alice);
  await bob.goto(link);
  await bob.getByRole('link', { name: 'Create an account' }).click();
  await signUp(bob, 'Bob');
  await bob.getByRole('navigation').getByRole('button', { name: 'Browse channels' }).click();
  await bob.getByRole('button', { name: 'Join #general' }).click();
  await expect(bob.getByRole('heading', { name: '# general' })).toBeVisible();
  return { alice, bob };
}

const composerOf = (page: Page) => page.getByRole('textbox', { name: /^Message / });

/** The newest messages of the open channel as the server has them, read with the page's own session. */
async function serverMessages(page: Page): Promise<{ text: string; mentions: string[] }[]> {
  return page.evaluate(async () => {
    const { token } = JSON.parse(localStorage.getItem('jokkaer.session') ?? '{}') as { token: string };
    const channelId = /\/c\/([^/]+)/.exec(location.pathname)?.[1] ?? '';
    const response = await fetch(`/api/v1/channels/${channelId}/messages?limit=5`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ((await response.json()) as { items: { text: string; mentions: string[] }[] }).items;
  });
}

test('reactions live between two people; the picker, @ mentions, drafts and ↑ to edit', async ({
  browser,
}) => {
  const { alice, bob } = await twoInGeneral(browser);

  // Bob reacts from the message's toolbar through the picker; Alice sees the chip live, with who reacted.
  await send(alice, 'Lunch at noon?');
  const bobsView = bob.getByRole('article').filter({ hasText: 'Lunch at noon?' });
  await bobsView.hover();
  await bobsView.getByRole('toolbar').getByRole('button', { name: 'Add reaction' }).click();
  const picker = bob.getByRole('dialog', { name: 'Emoji picker' });
  await picker.getByRole('searchbox', { name: 'Search emoji' }).fill('party popper');
  await picker.getByRole('gridcell', { name: 'party popper' }).click();
  await expect(picker).toHaveCount(0);
  const alicesChip = alice
    .getByRole('article')
    .filter({ hasText: 'Lunch at noon?' })
    .getByRole('button', { name: /^🎉: / });
  await expect(alicesChip).toHaveAccessibleName('🎉: 1 reaction, from Bob');
  await expect(alicesChip).toHaveAttribute('aria-pressed', 'false');
  await expect(alicesChip).toHaveText('🎉 1');

  // Alice adds hers by the chip; Bob sees the count and both names; Alice takes hers back.
  await alicesChip.click();
  await expect(alicesChip).toHaveAttribute('aria-pressed', 'true');
  const bobsChip = bobsView.getByRole('button', { name: /^🎉: / });
  await expect(bobsChip).toHaveAccessibleName('🎉: 2 reactions, from you, Alice');
  await expect(bobsChip).toHaveAttribute('aria-pressed', 'true');
  expect(await seriousViolations(alice), 'axe with reactions').toEqual([]);
  await alicesChip.click();
  await expect(bobsChip).toHaveAccessibleName('🎉: 1 reaction, from you');
  await expect(alicesChip).toHaveAttribute('aria-pressed', 'false');

  // The composer's emoji button inserts the picked emoji at the caret.
  const box = composerOf(alice);
  await box.fill('Great ');
  await alice.getByRole('button', { name: 'Insert an emoji' }).click();
  await alice.getByRole('searchbox', { name: 'Search emoji' }).fill('grinning face');
  const grinning = alice.getByRole('gridcell', { name: 'Grinning face', exact: true });
  // Checked once the search has answered: on busy cores axe could catch the list between two renders, its
  // scrolling region momentarily without a cell to focus.
  await expect(grinning).toBeVisible();
  expect(await seriousViolations(alice), 'axe with the emoji picker open').toEqual([]);
  await grinning.click();
  await expect(box).toHaveValue('Great 😀');
  await expect(box).toBeFocused();
  await box.press('Enter');
  await expect(bob.getByRole('log').getByText('Great 😀')).toBeVisible();

  // @ suggests Bob; picking him by keyboard sends a mention the server records as his.
  await box.pressSequentially('@Bo');
  const people = alice.getByRole('listbox', { name: 'People to mention' });
  await expect(people.getByRole('option', { name: '@Bob' })).toHaveAttribute('aria-selected', 'true');
  expect(await seriousViolations(alice), 'axe with the mention list open').toEqual([]);
  await box.press('Tab');
  await expect(people).toHaveCount(0);
  await box.pressSequentially('can you book? :+1:');
  await expect(box).toHaveValue('@Bob can you book? 👍');
  await box.press('Enter');
  await expect(bob.getByRole('log').getByText('@Bob can you book? 👍')).toBeVisible();
  // Shown as a mention, marked as Bob's own where he reads it, and as someone else's where Alice does.
  await expect(bob.getByRole('log').locator('.mention.mention-me')).toHaveText('@Bob');
  await expect(alice.getByRole('log').locator('.mention:not(.mention-me)')).toHaveText('@Bob');
  const bobId = await bob.evaluate(
    () => (JSON.parse(localStorage.getItem('jokkaer.session') ?? '{}') as { user: { id: string } }).user.id,
  );
  const [mentioned] = await serverMessages(bob);
  expect(mentioned).toMatchObject({ text: `<@${bobId}> can you book? 👍`, mentions: [bobId] });

  // ↑ in the empty composer edits Alice's last message in place (the mention still reads @Bob, and stays one);
  // Enter saves, Bob sees it, and the focus is back in the composer.
  await box.press('ArrowUp');
  const editBox = alice.getByRole('textbox', { name: /^Edit message/ });
  await expect(editBox).toBeFocused();
  await expect(editBox).toHaveValue('@Bob can you book? 👍');
  await editBox.press('Backspace');
  await editBox.press('Backspace');
  await editBox.pressSequentially(' for four?');
  await editBox.press('Enter');
  await expect(bob.getByRole('log').getByText('@Bob can you book? for four?')).toBeVisible();
  await expect(box).toBeFocused();
  expect((await serverMessages(bob))[0]).toMatchObject({ mentions: [bobId] });

  // A draft survives a reload, and goes once sent.
  await box.fill('half-written thought');
  await alice.reload();
  await expect(composerOf(alice)).toHaveValue('half-written thought');
  await composerOf(alice).press('Enter');
  await expect(composerOf(alice)).toHaveValue('');
  await alice.reload();
  await expect(composerOf(alice)).toHaveValue('');
});
