import { test } from '@playwright/test';
import { expect, seriousViolations } from './journeys';
import { seed, signedIn } from './seed';

/**
 * The service worker shows what the server pushes (the tab closed): a push reaching it becomes a notification
 * with the message and the channel to open. (The encryption and delivery are test/push.e2e.ts's.)
 */
test('the service worker shows a pushed message as a notification', async ({ browser }) => {
  const context = await browser.newContext();
  await context.grantPermissions(['notifications']);
  const page = await context.newPage();
  await page.goto('/signin');
  await page.evaluate(() => navigator.serviceWorker.ready);
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const payload = { title: 'Alice', body: 'Lunch at noon?', url: '/w/a/c/b', tag: 'message-1' };
  const shown = await worker.evaluate(async (pushed) => {
    const scope = self as unknown as {
      registration: ServiceWorkerRegistration;
      dispatchEvent(event: Event): boolean;
    };
    // A push event as the browser dispatches it (its waitUntil refuses an untrusted event; the handler's
    // notification goes out regardless).
    const PushEvent = (self as unknown as { PushEvent: new (type: string, init: object) => Event }).PushEvent;
    scope.dispatchEvent(new PushEvent('push', { data: JSON.stringify(pushed) }));
    for (;;) {
      const [notification] = await scope.registration.getNotifications({ tag: pushed.tag });
      if (notification)
        return { title: notification.title, body: notification.body, data: notification.data };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, payload);
  expect(shown).toEqual({ title: 'Alice', body: 'Lunch at noon?', data: { url: '/w/a/c/b' } });
  await context.close();
});

/** Quiet hours are set in the settings, kept by the server, and switched off again. */
test('quiet hours in the settings', async ({ browser, request }) => {
  const dana = await seed.user(request, 'Dana');
  const workspace = await seed.workspace(request, dana);
  const general = await seed.channel(request, workspace.id, dana, 'general');
  const page = await signedIn(browser, dana);
  await page.goto(`/w/${workspace.id}/c/${general.id}`);
  await page.getByRole('button', { name: /Profile and settings/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Profile and settings' });
  const notifications = dialog.getByRole('region', { name: 'Notifications' });
  await notifications.getByRole('checkbox', { name: 'Quiet hours' }).check();
  await notifications.getByLabel('From').fill('21:30');
  await notifications.getByLabel('To').fill('06:45');
  await notifications.getByRole('button', { name: 'Save quiet hours' }).click();
  await expect(notifications.getByRole('status')).toHaveText('Saved');
  expect(await seriousViolations(page)).toEqual([]);

  const saved = await request.get('/api/v1/me/push-settings', {
    headers: { authorization: `Bearer ${dana.token}` },
  });
  expect((await saved.json()).quietHours).toMatchObject({ from: '21:30', to: '06:45' });

  await page.reload();
  await page.getByRole('button', { name: /Profile and settings/ }).click();
  await expect(notifications.getByLabel('From')).toHaveValue('21:30');
  await notifications.getByRole('checkbox', { name: 'Quiet hours' }).uncheck();
  await notifications.getByRole('button', { name: 'Save quiet hours' }).click();
  await expect(notifications.getByRole('status')).toHaveText('Saved');
  await expect
    .poll(async () => {
      const answer = await request.get('/api/v1/me/push-settings', {
        headers: { authorization: `Bearer ${dana.token}` },
      });
      return (await answer.json()).quietHours;
    })
    .toBeNull();
});
