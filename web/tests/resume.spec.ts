import { test, type WebSocketRoute } from '@playwright/test';
import { createWorkspaceWithGeneral, expect, inviteLink, send, signUp } from './journeys';

/**
 * A dropped socket: Bob's realtime connection is cut, and refused while Alice posts three messages; then it is
 * let through. His client reconnects and resumes after the last event it had: the three messages appear once
 * each, in order.
 */
test('after a drop, the socket resumes without gaps or duplicates; messages written offline go once, in order', async ({
  browser,
}) => {
  const alice = await (await browser.newContext()).newPage();
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  // Bob's sockets pass through this route, which can cut them.
  let refusing = false;
  let open: { page: WebSocketRoute; server: WebSocketRoute } | undefined;
  await bob.routeWebSocket(/\/api\/v1\/realtime/, (socket) => {
    if (refusing) return void socket.close({ code: 1011, reason: 'cut by the test' });
    open = { page: socket, server: socket.connectToServer() };
  });

  await alice.goto('/signup');
  await signUp(alice, 'Alice');
  await createWorkspaceWithGeneral(alice, 'Resume');
  const link = await inviteLink(alice);

  await bob.goto(link.replace('/invite/', '/signup?next=/invite/'));
  await signUp(bob, 'Bob');
  await bob.getByRole('navigation').getByRole('button', { name: 'Browse channels' }).click();
  await bob.getByRole('button', { name: 'Join #general' }).click();
  await send(alice, 'before the drop');
  await expect(bob.getByRole('log').getByText('before the drop')).toBeVisible();

  refusing = true;
  await open?.server.close();
  await open?.page.close({ code: 1011, reason: 'cut by the test' });
  await expect(bob.getByRole('status')).toHaveText('Reconnecting…');
  for (const text of ['while away 1', 'while away 2', 'while away 3']) await send(alice, text);
  await expect(alice.getByText('Sending…')).toHaveCount(0);
  await expect(bob.getByRole('log').getByText('while away 1')).toHaveCount(0);
  refusing = false;

  await expect(bob.getByRole('log').getByText('while away 3')).toBeVisible({ timeout: 40_000 });
  const texts = await bob.getByRole('log').getByRole('article').allTextContents();
  const away = texts.filter((text) => text.includes('while away'));
  expect(away.map((text) => /while away \d/.exec(text)?.[0])).toEqual([
    'while away 1',
    'while away 2',
    'while away 3',
  ]);

  // Bob writes three messages offline: each fails and waits; back online, they go in order, once each.
  await bobContext.setOffline(true);
  for (const text of ['offline 1', 'offline 2', 'offline 3']) await send(bob, text);
  await expect(bob.getByText('Not sent.')).toHaveCount(3);
  await bobContext.setOffline(false);
  await expect(alice.getByRole('log').getByText('offline 3')).toBeVisible();
  await expect(bob.getByText('Not sent.')).toHaveCount(0);
  const received = (await alice.getByRole('log').getByRole('article').allTextContents())
    .map((text) => /offline \d/.exec(text)?.[0])
    .filter(Boolean);
  expect(received).toEqual(['offline 1', 'offline 2', 'offline 3']);
});

test('the French interface shows no English on the sign-in page', async ({ browser }) => {
  const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await page.goto('/signin');
  await expect(page.getByRole('heading', { name: 'Connexion à Jōkkær' })).toBeVisible();
  await expect(page.getByLabel('Mot de passe')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Se connecter' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
});
