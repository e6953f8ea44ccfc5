import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from '@playwright/test';
import { createWorkspaceWithGeneral, expect, send, signUp } from './journeys';

/**
 * The installable app: Chromium finds nothing missing for installing it (manifest, icons, service worker). An
 * incognito context is never installable, so this one runs in a persistent profile of its own.
 */
test('the client is installable', async ({ playwright, baseURL }) => {
  const profile = mkdtempSync(path.join(tmpdir(), 'jokkaer-pwa-'));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    ...test.info().project.use.launchOptions,
    baseURL,
  });
  try {
    const page = await context.newPage();
    await page.goto('/signin');
    await page.evaluate(() => navigator.serviceWorker.ready);
    const manifest = await page.evaluate(async () =>
      fetch('/manifest.webmanifest').then((response) => response.json()),
    );
    expect(manifest).toMatchObject({ name: 'Jōkkær', display: 'standalone', start_url: '/' });
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

/**
 * Offline: a reload still opens the app (the service worker's cached shell) and says it is reconnecting; back
 * online, it reconnects and works.
 */
test('offline, the app opens to its shell and reconnects when back online', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/signup');
  await signUp(page, 'Olive');
  await createWorkspaceWithGeneral(page, 'Offline');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect(page.getByText('Reconnecting…')).toHaveCount(0);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('navigation', { name: 'Workspaces' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Reconnecting…' })).toBeVisible();

  await context.setOffline(false);
  await expect(page.getByRole('heading', { name: '# general' })).toBeVisible();
  await expect(page.getByText('Reconnecting…')).toHaveCount(0);
  await send(page, 'back online');
  await expect(page.getByRole('log').getByText('back online')).toBeVisible();
  await context.close();
});
