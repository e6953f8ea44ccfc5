import { readFile } from 'node:fs/promises';
import { test, type Locator } from '@playwright/test';
import { syntheticExport, zipOf } from '../../fixtures/slack-export.js';
import { expect, seriousViolations } from './journeys';
import { seed, signedIn } from './seed';

/** A job's count of a kind, as its panel shows it (a term and its number). */
async function countIn(panel: Locator, term: string): Promise<number> {
  const pair = panel
    .locator('dl > div')
    .filter({ has: panel.page().getByRole('term').getByText(term, { exact: true }) });
  return Number(await pair.getByRole('definition').textContent());
}

test('an owner uploads a Slack export and reads its report, exports the workspace and downloads the zip, then undoes the import', async ({
  browser,
  request,
}) => {
  const owner = await seed.user(request, 'Olga');
  const workspace = await seed.workspace(request, owner);
  const entries = syntheticExport({ messages: 60, users: 3, channels: 2, perDay: 20 });
  // A day file that is not JSON: the report lists it as left out, with its reason.
  entries.push(['c0/1999-12-31.json', '{not json']);
  // Files carried in the zip, as our own exports carry them: one stored, one without a Slack id left out.
  const shared = (id: string | undefined, name: string) => ({
    ...(id && { id }),
    name,
    mimetype: 'text/plain',
    size: 5,
    url_private: `files/${id ?? 'none'}/${name}`,
  });
  entries.push(
    ['files/F000001/kept.txt', 'kept\n'],
    ['files/none/lost.txt', 'lost\n'],
    [
      'c1/2000-01-01.json',
      [
        {
          type: 'message',
          subtype: 'file_share',
          user: 'U000000',
          ts: '946684800.000001',
          text: 'two files',
          files: [shared('F000001', 'kept.txt'), shared(undefined, 'lost.txt')],
        },
      ],
    ],
  );
  const zip = await zipOf(entries);

  const page = await signedIn(browser, owner);
  await page.goto(`/w/${workspace.id}/admin/imports`);
  await expect(page.getByRole('heading', { name: 'Import and export', level: 1 })).toBeVisible();
  await page.getByLabel('Choose a Slack export (.zip)').setInputFiles({
    name: 'slack-export.zip',
    mimeType: 'application/zip',
    buffer: zip,
  });
  await expect(page.getByText('Import finished.')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('heading', { name: /^Latest import: slack-export\.zip/ })).toBeVisible();
  const report = page.locator('section', { has: page.getByRole('heading', { name: 'Import from Slack' }) });
  await expect(report.getByRole('definition').first()).toBeVisible();
  const count = (term: string) => countIn(report, term);
  expect((await count('Messages')) + (await count('Thread replies'))).toBe(61);
  // The generated people have fixed emails: matched to their accounts when an earlier run made them.
  expect((await count('People')) + (await count('People matched'))).toBe(3);
  expect(await count('Files')).toBe(2);
  expect(await count('Files stored')).toBe(1);
  expect(await count('Files not stored')).toBe(1);
  const skipped = page.getByRole('table', { name: 'Left out' });
  await expect(skipped.getByRole('row').filter({ hasText: 'c0/1999-12-31.json' })).toContainText(
    'malformed JSON',
  );
  await expect(skipped.getByRole('row').filter({ hasText: 'has no Slack id' })).toContainText('file');
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByRole('button', { name: 'Export this workspace' }).click();
  const download = page.getByRole('button', { name: /^Download the export/ });
  await expect(download).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/The export is ready; it is kept until/)).toBeVisible();
  const exported = page.locator('section', {
    has: page.getByRole('heading', { name: 'Export this workspace' }),
  });
  expect(await countIn(exported, 'Messages')).toBeGreaterThan(0);
  const [saved] = await Promise.all([page.waitForEvent('download'), download.click()]);
  expect(saved.suggestedFilename()).toMatch(/^jokkaer-export-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.zip$/);
  const bytes = await readFile(await saved.path());
  expect(bytes.subarray(0, 2).toString()).toBe('PK');
  expect(bytes.includes(Buffer.from('users.json'))).toBe(true);
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByRole('button', { name: 'Undo this import' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Undo this import' }).click();
  await expect(page.getByRole('heading', { name: /^Latest import/ })).toBeHidden();
  const channels = await request.get(`/api/v1/workspaces/${workspace.id}/channels`, {
    headers: { authorization: `Bearer ${owner.token}` },
  });
  expect(((await channels.json()) as { items: { name: string }[] }).items.map((c) => c.name)).not.toContain(
    'c0',
  );
});

test('the import and export page is for owners: an admin does not see it', async ({ browser, request }) => {
  const owner = await seed.user(request, 'Oscar');
  const admin = await seed.user(request, 'Ada');
  const workspace = await seed.workspace(request, owner, [admin]);
  await request.patch(`/api/v1/workspaces/${workspace.id}/members/${admin.user.id}`, {
    headers: { authorization: `Bearer ${owner.token}` },
    data: { role: 'admin' },
  });
  const page = await signedIn(browser, admin);
  await page.goto(`/w/${workspace.id}/admin/imports`);
  await expect(page.getByRole('heading', { name: 'Members', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Import and export' })).toHaveCount(0);
});
