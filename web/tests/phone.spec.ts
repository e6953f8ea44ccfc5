import { test } from '@playwright/test';
import { expect, send, seriousViolations, signUp } from './journeys';

/** A phone-sized screen (390×844): the whole journey works, nothing overflows sideways, axe finds nothing serious. */
test('on a phone-sized screen one can sign up, create a channel and chat', async ({ browser }) => {
  const page = await (
    await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true })
  ).newPage();
  await page.goto('/signup');
  await signUp(page, 'Pat');
  await page.getByRole('button', { name: 'Create a workspace' }).first().click();
  await page.getByLabel('Workspace name').fill(`Phone ${Date.now().toString(36)}`);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('button', { name: '+ Create a channel' }).click();
  await page.getByLabel('Channel name').fill('general');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await send(page, 'hello from a phone');
  await expect(page.getByRole('log').getByText('hello from a phone')).toBeInViewport();
  await expect(page.getByRole('textbox', { name: 'Message # general' })).toBeInViewport();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  expect(await seriousViolations(page)).toEqual([]);
});
