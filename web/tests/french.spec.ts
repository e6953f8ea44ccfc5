import { test, type Page } from '@playwright/test';
import { en } from '../src/locales/en';
import { fr } from '../src/locales/fr';
import { expect } from './journeys';

type Strings = { [key: string]: string | Strings };

/** Every string of a locale by its key path ("auth.signIn"). */
function flatten(strings: Strings, prefix = ''): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(strings)) {
    if (typeof value === 'string') flat.set(prefix + key, value);
    else for (const [inner, text] of flatten(value, `${prefix}${key}.`)) flat.set(inner, text);
  }
  return flat;
}

const french = flatten(fr);
/** The English strings that French says differently, as patterns ("Message {{channel}}" → /^Message .+$/). */
const ENGLISH = [...flatten(en)]
  .filter(([key, text]) => french.get(key) !== text)
  .map(([key, text]) => ({
    key,
    pattern: new RegExp(
      `^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{\\\{\w+\\\}\\\}/g, '.+')}$`,
    ),
  }));

/** The text a person can see or hear: visible text nodes, and labels, placeholders and titles. */
function shownTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const texts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement?.checkVisibility()) texts.push(node.textContent ?? '');
    }
    for (const element of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
      if (!element.checkVisibility()) continue;
      for (const name of ['aria-label', 'placeholder', 'title']) texts.push(element.getAttribute(name) ?? '');
    }
    return texts.map((text) => text.trim()).filter(Boolean);
  });
}

async function expectNoEnglish(page: Page, screen: string): Promise<void> {
  const english = (await shownTexts(page)).flatMap((text) =>
    ENGLISH.filter(({ pattern }) => pattern.test(text)).map(({ key }) => `"${text}" (${key})`),
  );
  expect(english, `English on the ${screen}`).toEqual([]);
}

/**
 * Someone whose browser prefers French signs up and walks the main screens: every string is French (names and
 * messages, which are data, aside).
 */
test('a French browser gets the whole client in French', async ({ browser }) => {
  test.setTimeout(120_000);
  const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await page.goto('/signup');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { name: fr.auth.join })).toBeVisible();
  await expectNoEnglish(page, 'sign-up page');
  await page.getByLabel(fr.auth.displayName).fill('Amélie');
  await page.getByLabel(fr.auth.email).fill(`amelie-${Date.now().toString(36)}@example.test`);
  await page.getByLabel(fr.auth.password).fill('correct horse battery');
  await page.getByRole('button', { name: fr.auth.signUp }).click();

  await expect(page.getByText(fr.workspaces.empty)).toBeVisible();
  await expectNoEnglish(page, 'home page');
  await page.getByRole('button', { name: fr.workspaces.create }).first().click();
  await expectNoEnglish(page, 'create workspace dialog');
  await page.getByLabel(fr.workspaces.name).fill(`Équipe ${Date.now().toString(36)}`);
  await page.getByRole('button', { name: fr.common.create, exact: true }).click();

  await expect(page.getByText(fr.channels.empty)).toBeVisible();
  await expectNoEnglish(page, 'empty workspace');
  // The empty workspace's own buttons open the sidebar's dialogs.
  await page.getByRole('main').getByRole('button', { name: fr.workspaces.invite }).click();
  await expect(page.getByRole('dialog', { name: fr.workspaces.invite })).toBeVisible();
  await page.keyboard.press('Escape');
  await page.getByRole('main').getByRole('button', { name: fr.channels.create }).click();
  await expectNoEnglish(page, 'create channel dialog');
  await page.getByLabel(fr.channels.name).fill('general');
  await page.getByRole('button', { name: fr.common.create, exact: true }).click();
  await expect(page.getByRole('heading', { name: '# general' })).toBeVisible();
  await expectNoEnglish(page, 'empty channel');

  const box = page.getByRole('textbox', { name: fr.composer.label.replace('{{channel}}', '# general') });
  await box.fill('Bonjour à tous');
  await box.press('Enter');
  const message = page.getByRole('article').filter({ hasText: 'Bonjour à tous' });
  await expect(message.getByRole('link', { name: fr.messages.replyInThread })).toBeVisible();
  await expectNoEnglish(page, 'channel');
  await message.getByRole('link', { name: fr.messages.replyInThread }).click();
  await expect(page.getByRole('complementary', { name: fr.threads.title })).toBeVisible();
  await expectNoEnglish(page, 'thread panel');
  await page.getByRole('link', { name: fr.threads.close }).click();

  for (const [button, screen] of [
    [fr.channels.browse, 'browse dialog'],
    [`+ ${fr.channels.newDm}`, 'new DM dialog'],
    [fr.workspaces.invite, 'invite dialog'],
  ] as const) {
    await page.getByRole('button', { name: button }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await expectNoEnglish(page, screen);
    await page.getByRole('dialog').getByRole('button', { name: fr.common.close }).click();
  }
  await page.context().close();
});
