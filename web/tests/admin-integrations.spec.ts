import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type Page } from '@playwright/test';
import { IncomingWebhook } from '@slack/webhook';
import { Webhook } from 'standardwebhooks';
import { expect } from './journeys';
import { seed, signedIn } from './seed';

/** The once-shown secret in the open dialog, as its copy button puts it on the clipboard. */
async function copySecret(page: Page, label: string): Promise<string> {
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: `Copy ${label}` }).click();
  await expect(dialog.getByRole('button', { name: `${label} copied` })).toBeVisible();
  return await page.evaluate(() => navigator.clipboard.readText());
}

/** Closes the secret dialog and checks the secret is nowhere on the page any more. */
async function dismissSecret(page: Page, secret: string): Promise<void> {
  await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  expect(await page.content()).not.toContain(secret);
}

test('an admin creates an incoming webhook; a stock Slack client posts to the copied URL and the message appears live; a regenerated URL retires the old one', async ({
  browser,
  request,
}) => {
  const alice = await seed.user(request, 'Alice');
  const bob = await seed.user(request, 'Bob');
  const workspace = await seed.workspace(request, alice, [bob]);
  const general = await seed.channel(request, workspace.id, alice, 'general', [bob]);

  const admin = await signedIn(browser, alice, { permissions: ['clipboard-read', 'clipboard-write'] });
  await admin.goto(`/w/${workspace.id}/admin/webhooks`);
  await expect(admin.getByRole('heading', { name: 'Incoming webhooks' })).toBeVisible();
  await admin.getByRole('combobox', { name: /^Channel/ }).selectOption({ label: '#general' });
  await admin.getByRole('textbox', { name: 'Name', exact: true }).fill('Deploys');
  await admin.getByRole('button', { name: 'Create incoming webhook' }).click();
  const url = await copySecret(admin, 'Webhook URL');
  expect(url).toMatch(/\/hooks\/\S+$/);
  await dismissSecret(admin, url);
  await expect(admin.getByRole('row').filter({ hasText: 'Deploys' })).toContainText('#general');

  const reader = await signedIn(browser, bob);
  await reader.goto(`/w/${workspace.id}/c/${general.id}`);
  await expect(reader.getByRole('heading', { name: '# general' })).toBeVisible();
  await new IncomingWebhook(url).send({ text: 'Build 42 is deployed', username: 'Deploy bot' });
  await expect(reader.getByText('Build 42 is deployed')).toBeVisible();

  await admin
    .getByRole('row')
    .filter({ hasText: 'Deploys' })
    .getByRole('button', { name: 'Regenerate URL' })
    .click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Regenerate URL' }).click();
  const regenerated = await copySecret(admin, 'Webhook URL');
  expect(regenerated).not.toBe(url);
  await dismissSecret(admin, regenerated);
  await expect(new IncomingWebhook(url).send({ text: 'through the old URL' })).rejects.toThrow(/404/);
  await new IncomingWebhook(regenerated).send({ text: 'through the new URL' });
  await expect(reader.getByText('through the new URL')).toBeVisible();
  await expect(reader.getByText('through the old URL')).toHaveCount(0);
});

test('an outgoing webhook to a local receiver shows its signed delivery in the log, and redelivers it', async ({
  browser,
  request,
}) => {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const waiters: (() => void)[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`received ${received.length}`);
      waiters.splice(0).forEach((wake) => wake());
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/jokkaer`;
  /** Resolves once the receiver holds `count` requests. */
  const receivedCount = async (count: number) => {
    while (received.length < count) await new Promise<void>((wake) => waiters.push(wake));
  };

  try {
    const alice = await seed.user(request, 'Alice');
    const workspace = await seed.workspace(request, alice);
    const general = await seed.channel(request, workspace.id, alice, 'general');
    const admin = await signedIn(browser, alice, { permissions: ['clipboard-read', 'clipboard-write'] });
    await admin.goto(`/w/${workspace.id}/admin/webhooks`);
    await admin.getByLabel('Endpoint URL').fill(receiverUrl);
    await expect(admin.getByRole('checkbox', { name: 'message.created' })).toBeChecked();
    await admin.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = await copySecret(admin, 'Signing secret');
    expect(secret).toMatch(/^whsec_/);
    await dismissSecret(admin, secret);

    const endpoint = admin.getByRole('article', { name: receiverUrl });
    await expect(endpoint).toContainText('Enabled');
    await seed.post(request, general.id, alice, 'Ship it');
    await receivedCount(1);
    const [first] = received;
    // Signed with the secret the dialog showed (Standard Webhooks).
    const event = new Webhook(secret).verify(first!.body, first!.headers as Record<string, string>) as {
      type: string;
      data: { text: string };
    };
    expect(event.type).toBe('message.created');
    expect(event.data.text).toBe('Ship it');

    await endpoint.getByRole('button', { name: 'Delivery log' }).click();
    const delivery = endpoint.getByRole('row').filter({ hasText: 'message.created' });
    await expect(delivery).toContainText('Succeeded');
    await expect(delivery.getByRole('listitem')).toHaveCount(1);
    await expect(delivery.getByRole('listitem')).toContainText('200');
    await expect(delivery.getByRole('listitem')).toContainText('received 1');

    await delivery.getByRole('button', { name: 'Redeliver' }).click();
    await receivedCount(2);
    expect(received[1]!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    await expect(delivery.getByRole('listitem')).toHaveCount(2);
    await expect(delivery.getByRole('listitem').nth(1)).toContainText('received 2');
    await expect(delivery).toContainText('Succeeded');

    await endpoint.getByRole('button', { name: 'Disable' }).click();
    await expect(endpoint).toContainText('Disabled');
    await endpoint.getByRole('button', { name: 'Enable' }).click();
    await expect(endpoint).toContainText('Enabled');
  } finally {
    receiver.close();
  }
});

test('an app registration shows its client secret once; installing shows the bot token once; a personal token likewise, then revoked', async ({
  browser,
  request,
}) => {
  const alice = await seed.user(request, 'Alice');
  const workspace = await seed.workspace(request, alice);
  const admin = await signedIn(browser, alice, { permissions: ['clipboard-read', 'clipboard-write'] });
  await admin.goto(`/w/${workspace.id}/admin/apps`);
  await expect(admin.getByRole('heading', { name: 'Apps registered here' })).toBeVisible();
  const form = admin.getByRole('form', { name: 'Register an app' });
  await form.getByLabel('Name').fill('Standup');
  await form.getByLabel('Redirect URIs (one a line)').fill('https://standup.example/callback');
  await form.getByRole('checkbox', { name: /channels:read/ }).check();
  await form.getByRole('button', { name: 'Register an app' }).click();
  await expect(admin.getByRole('dialog', { name: 'Standup is registered' })).toBeVisible();
  const clientSecret = await copySecret(admin, 'Client secret');
  expect(clientSecret).toMatch(/^jkcs_/);
  await dismissSecret(admin, clientSecret);

  const row = admin.getByRole('row').filter({ hasText: 'Standup' });
  await expect(row).toContainText('channels:read, chat:write');
  await row.getByRole('button', { name: 'Install here' }).click();
  const botToken = await copySecret(admin, 'Bot token');
  await dismissSecret(admin, botToken);
  const asBot = await request.get('/api/v1/workspaces/' + workspace.id + '/channels', {
    headers: { authorization: `Bearer ${botToken}` },
  });
  expect(asBot.status()).toBe(200);

  const installed = admin
    .getByRole('table', { name: 'Installed apps' })
    .getByRole('row')
    .filter({ hasText: 'Standup' });
  await installed.getByRole('button', { name: 'Uninstall' }).click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Uninstall' }).click();
  await expect(admin.getByText('No app is installed in this workspace.')).toBeVisible();
  const afterUninstall = await request.get('/api/v1/workspaces/' + workspace.id + '/channels', {
    headers: { authorization: `Bearer ${botToken}` },
  });
  expect(afterUninstall.status()).toBe(401);

  await admin.getByLabel('Name').last().fill('CI');
  await admin
    .getByRole('group', { name: 'Limited to' })
    .getByRole('checkbox', { name: /users:read/ })
    .check();
  await admin.getByRole('button', { name: 'Create token' }).click();
  const personal = await copySecret(admin, 'Token');
  await dismissSecret(admin, personal);
  const tokenRow = admin
    .getByRole('table', { name: 'Your personal access tokens' })
    .getByRole('row')
    .filter({ hasText: 'CI' });
  await expect(tokenRow).toContainText('users:read');
  expect(
    (await request.get('/api/v1/me', { headers: { authorization: `Bearer ${personal}` } })).status(),
  ).toBe(200);
  await tokenRow.getByRole('button', { name: 'Revoke' }).click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(tokenRow).toHaveCount(0);
  expect(
    (await request.get('/api/v1/me', { headers: { authorization: `Bearer ${personal}` } })).status(),
  ).toBe(401);
});
