import { test, type Browser, type Page } from '@playwright/test';
import sharp from 'sharp';
import { createWorkspaceWithGeneral, expect, inviteLink, send, seriousViolations, signUp } from './journeys';

async function newPage(browser: Browser, options = {}): Promise<Page> {
  return (await browser.newContext(options)).newPage();
}

async function openSettings(page: Page) {
  await page.getByRole('button', { name: /Profile and settings/ }).click();
  return page.getByRole('dialog', { name: 'Profile and settings' });
}

/**
 * Profile: Rhea renames herself and uploads a picture; Sam, in the same channel, sees the new name and the
 * picture beside her message. Then she changes her password and signs in again with the new one.
 */
test('profile: a new name and picture reach the others; a new password signs in', async ({ browser }) => {
  const rhea = await newPage(browser);
  await rhea.goto('/signup');
  const email = await signUp(rhea, 'Rhea');
  await createWorkspaceWithGeneral(rhea, 'Profiles');
  const link = await inviteLink(rhea);
  await send(rhea, 'a message from Rhea');

  const sam = await newPage(browser);
  await sam.goto(link);
  await sam.getByRole('link', { name: 'Create an account' }).click();
  await signUp(sam, 'Sam');
  await sam.getByRole('navigation').getByRole('button', { name: 'Browse channels' }).click();
  await sam.getByRole('button', { name: 'Join #general' }).click();
  const rheasMessage = sam.getByRole('article').filter({ hasText: 'a message from Rhea' });
  await expect(rheasMessage.getByText('Rhea', { exact: true })).toBeVisible();

  const settings = await openSettings(rhea);
  expect(await seriousViolations(rhea), 'axe on the settings dialog').toEqual([]);
  await settings.getByLabel('Your name').fill('Rhea Silvia');
  await settings.getByRole('button', { name: 'Save name' }).click();
  await expect(settings.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await expect(rheasMessage.getByText('Rhea Silvia', { exact: true })).toBeVisible();

  const picture = await sharp({
    create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 40, b: 40 } },
  })
    .png()
    .toBuffer();
  await settings
    .getByLabel('Upload a picture')
    .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: picture });
  await expect(settings.locator('img.avatar')).toBeVisible();
  const avatar = rheasMessage.locator('img.avatar');
  await expect(avatar).toBeVisible();
  expect(await avatar.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0);

  await settings.getByLabel('Current password').fill('correct horse battery');
  await settings.getByLabel('New password').fill('a brand new passphrase');
  await settings.getByRole('button', { name: 'Change password' }).click();
  await expect(settings.getByRole('status').filter({ hasText: 'Password changed' })).toBeVisible();
  await settings.getByRole('button', { name: 'Close' }).click();

  const again = await newPage(browser);
  await again.goto('/signin');
  await again.getByLabel('Email').fill(email);
  await again.getByLabel('Password').fill('a brand new passphrase');
  await again.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(again.getByRole('heading', { name: '# general' })).toBeVisible();
});

/** Theme and language apply at once, and are kept: the dark theme is there again before the first paint. */
test('theme and language: dark applies, French shows, both are kept', async ({ browser }) => {
  const page = await newPage(browser, { colorScheme: 'light' });
  await page.goto('/signup');
  await signUp(page, 'Tess');
  await createWorkspaceWithGeneral(page, 'Looks');
  const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(await background()).toBe('rgb(255, 255, 255)');

  const settings = await openSettings(page);
  await settings.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await background()).toBe('rgb(23, 25, 31)');
  expect(await seriousViolations(page), 'axe in the dark theme').toEqual([]);

  await settings.getByRole('combobox', { name: 'Language' }).selectOption('fr');
  await expect(page.getByRole('dialog', { name: 'Profil et réglages' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Message # general' })).toHaveCount(0);
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await page.getByRole('button', { name: 'Fermer' }).click();
  await expect(page.getByRole('button', { name: 'Créer un canal', exact: false }).first()).toBeVisible();

  // The theme script runs before the app: the first paint after a reload is already dark, and still French.
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  await expect(page.getByRole('heading', { name: '# general' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Message # general' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Profil et réglages/ })).toBeVisible();
});
