import { test, type Page } from '@playwright/test';
import {
  createWorkspaceWithGeneral,
  expect,
  openChannelMenu,
  send,
  seriousViolations,
  signUp,
} from './journeys';

const sidebarLink = (page: Page, name: RegExp) => page.getByRole('navigation').getByRole('link', { name });

async function createChannel(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: '+ Create a channel' }).click();
  await page.getByLabel('Channel name').fill(name);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page.getByRole('heading', { name: `# ${name}` })).toBeVisible();
}

/** A member leaves a channel and archives another, each after confirming; Esc closes an open thread. */
test('leave and archive a channel after confirming; Esc closes the thread panel', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await page.goto('/signup');
  await signUp(page, 'Lena');
  await createWorkspaceWithGeneral(page, 'Menus');

  // Esc closes the thread panel (and nothing else).
  await send(page, 'a thread starter');
  const starter = page.getByRole('log').getByRole('article').filter({ hasText: 'a thread starter' });
  await starter.hover();
  await starter.getByRole('link', { name: 'Reply in thread' }).click();
  const thread = page.getByRole('complementary', { name: 'Thread' });
  await expect(thread).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(thread).toHaveCount(0);
  await expect(page.getByRole('heading', { name: '# general' })).toBeVisible();

  // Leave: asked first; Cancel keeps the channel, confirming removes it from the sidebar.
  await createChannel(page, 'random');
  await openChannelMenu(page);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Leave channel' }).click();
  const leaveDialog = page.getByRole('dialog', { name: 'Leave #random?' });
  await expect(leaveDialog).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await leaveDialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(sidebarLink(page, /^# random/)).toBeVisible();
  await openChannelMenu(page);
  await page.getByRole('button', { name: 'Leave channel' }).click();
  await leaveDialog.getByRole('button', { name: 'Leave channel' }).click();
  await expect(sidebarLink(page, /^# random/)).toHaveCount(0);
  // Still public: it can be found and joined again.
  await page.getByRole('navigation').getByRole('button', { name: 'Browse channels' }).click();
  await expect(page.getByRole('button', { name: 'Join #random' })).toBeVisible();
  await page.getByRole('button', { name: 'Close' }).click();

  // Archive (the creator may): gone from the sidebar and from Browse.
  await createChannel(page, 'old-plans');
  await openChannelMenu(page);
  await page.getByRole('button', { name: 'Archive channel' }).click();
  await page
    .getByRole('dialog', { name: 'Archive #old-plans?' })
    .getByRole('button', { name: 'Archive channel' })
    .click();
  await expect(sidebarLink(page, /^# old-plans/)).toHaveCount(0);
  await page.getByRole('navigation').getByRole('button', { name: 'Browse channels' }).click();
  await expect(page.getByRole('button', { name: 'Join #random' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Join #old-plans' })).toHaveCount(0);
  await page.context().close();
});
