import { test, type Page } from '@playwright/test';
import { expect, send, seriousViolations, signUp } from './journeys';

const phone = { viewport: { width: 390, height: 844 }, hasTouch: true };

async function noSidewaysOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/**
 * A phone-sized screen (390×844): the sidebar is a drawer behind the channel header's menu button. Choosing a
 * channel, Esc and the scrim close it; focus goes in and comes back. One signs up, switches channel, sends,
 * opens a thread and comes back; nothing overflows sideways; axe finds nothing serious.
 */
test('on a phone the sidebar is a drawer, and the whole journey works', async ({ browser }) => {
  const page = await (await browser.newContext(phone)).newPage();
  await page.goto('/signup');
  await signUp(page, 'Pat');
  await page.getByRole('button', { name: 'Create a workspace' }).first().click();
  await page.getByLabel('Workspace name').fill(`Phone ${Date.now().toString(36)}`);
  await page.getByRole('button', { name: 'Create', exact: true }).click();

  const menu = page.getByRole('button', { name: 'Channels and workspaces' });
  const createChannel = page.getByRole('button', { name: '+ Create a channel' });
  await expect(createChannel).toBeHidden();
  for (const channel of ['general', 'random']) {
    await menu.click();
    await createChannel.click();
    await page.getByLabel('Channel name').fill(channel);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(page.getByRole('heading', { name: `# ${channel}` })).toBeVisible();
    await expect(createChannel).toBeHidden();
  }

  // Opening moves focus into the drawer; Esc closes it and gives focus back to the menu button.
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByRole('link', { name: '# random' })).toBeFocused();
  expect(await seriousViolations(page), 'axe with the drawer open').toEqual([]);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('link', { name: '# random' })).toBeHidden();
  await expect(menu).toBeFocused();

  // The scrim closes it too.
  await menu.click();
  await page.mouse.click(380, 400);
  await expect(page.getByRole('link', { name: '# random' })).toBeHidden();

  // Choosing a channel switches to it and closes the drawer.
  await menu.click();
  await page.getByRole('link', { name: '# general' }).click();
  await expect(page.getByRole('heading', { name: '# general' })).toBeVisible();
  await expect(page.getByRole('link', { name: '# general' })).toBeHidden();

  await send(page, 'hello from a phone');
  await expect(page.getByRole('log').getByText('hello from a phone')).toBeInViewport();
  await expect(page.getByRole('textbox', { name: 'Message # general' })).toBeInViewport();

  // A thread covers the screen; closing it comes back to the channel.
  await page.getByRole('link', { name: 'Reply in thread' }).click();
  const thread = page.getByRole('complementary', { name: 'Thread' });
  await thread.getByRole('textbox', { name: 'Reply in thread' }).fill('a reply on the phone');
  await thread.getByRole('textbox', { name: 'Reply in thread' }).press('Enter');
  await expect(thread.getByText('a reply on the phone')).toBeInViewport();
  await thread.getByRole('link', { name: 'Close thread' }).click();
  await expect(page.getByRole('link', { name: '1 reply' })).toBeInViewport();
  await noSidewaysOverflow(page);
  expect(await seriousViolations(page)).toEqual([]);
});
