import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { unique } from './seed';

/** A new person signs up through the form; answers their address (unique per run). */
export async function signUp(page: Page, name: string): Promise<string> {
  const email = `${name.toLowerCase()}-${unique()}@example.test`;
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create an account' }).click();
  return email;
}

/** axe-core's serious and critical violations on the page as it is now (all rules, or those named), by rule and element. */
export async function seriousViolations(page: Page, rules?: string[]): Promise<string[]> {
  // Colours caught mid-transition (a message row's background after a theme switch) are neither theme's.
  // Endless ones (a spinner) are left running; a cancelled one rejects, which is fine.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
  const builder = new AxeBuilder({ page });
  const results = await (rules ? builder.withRules(rules) : builder).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
}

export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: /^Message / });
  await box.fill(text);
  await box.press('Enter');
}

export { expect };

/** The signed-in person creates a workspace (unique name) with #general, and opens it; answers the name. */
export async function createWorkspaceWithGeneral(page: Page, prefix: string): Promise<string> {
  const name = `${prefix} ${Date.now().toString(36)}`;
  await page.getByRole('button', { name: 'Create a workspace' }).first().click();
  await page.getByLabel('Workspace name').fill(name);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page.getByRole('heading', { name }).first()).toBeVisible();
  await page.getByRole('button', { name: '+ Create a channel' }).click();
  await page.getByLabel('Channel name').fill('general');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page.getByRole('heading', { name: '# general' })).toBeVisible();
  return name;
}

/** Opens the channel header's options menu (mute, leave, archive). */
export async function openChannelMenu(page: Page): Promise<void> {
  await page.locator('.channel-menu > summary').click();
}

/** The workspace's invite link, from its invite dialog (opened and closed again). */
export async function inviteLink(page: Page): Promise<string> {
  await page.getByRole('navigation').getByRole('button', { name: 'Invite people' }).click();
  const invite = page.getByRole('textbox', { name: 'Invite people' });
  await expect(invite).toHaveValue(/\/invite\//);
  const link = await invite.inputValue();
  await page.getByRole('button', { name: 'Close' }).click();
  return link;
}
