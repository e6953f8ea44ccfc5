import { test } from '@playwright/test';
import { expect, seriousViolations } from './journeys';
import { seed, signedIn } from './seed';

/**
 * A plugin's buttons and modal in the browser: the approvals sample (fixtures/plugins/approvals, which the
 * journeys' server loads) posts a request on /request; its Approve button runs the plugin's action handler,
 * which opens a modal; a button inside the modal fills in a reason (the plugin updates the view); a short
 * reason is refused on its field, a good one replaces the request.
 */
test('a plugin’s button opens its modal; a button in the modal updates it; errors on the field, then done', async ({
  browser,
  request,
}) => {
  const ada = await seed.user(request, 'Ada');
  const workspace = await seed.workspace(request, ada);
  const channel = await seed.channel(request, workspace.id, ada, 'purchases');
  await seed.installPlugin(request, workspace.id, ada, 'approvals');
  const page = await signedIn(browser, ada);
  await page.goto(`/w/${workspace.id}/c/${channel.id}`);
  const box = page.getByRole('textbox', { name: 'Message # purchases' });
  await box.fill('/request a laptop');
  await box.press('Enter');

  const message = page.getByRole('log').getByRole('article').filter({ hasText: 'Request: a laptop' });
  await message.getByRole('button', { name: 'Approve' }).click();
  const modal = page.getByRole('dialog', { name: 'Approve request' });
  await expect(modal).toBeVisible();
  const reason = modal.getByRole('textbox', { name: 'Reason' });
  await reason.fill('ok');
  await modal.getByRole('button', { name: 'Approve' }).click();
  await expect(modal.getByRole('alert')).toHaveText('Give a reason of 3 characters or more');
  await expect(reason).toHaveAttribute('aria-invalid', 'true');
  expect(await seriousViolations(page)).toEqual([]);

  await modal.getByRole('button', { name: 'Suggest a reason' }).click();
  await expect(modal.getByRole('textbox', { name: 'Reason' })).toHaveValue('Looks good to me');
  await modal.getByRole('button', { name: 'Approve' }).click();
  await expect(modal).toBeHidden();
  await expect(page.getByRole('log').getByText('(Looks good to me)')).toBeVisible();
  await expect(page.getByText('Request: a laptop')).toHaveCount(0);
});
