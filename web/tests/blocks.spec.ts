import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type Page } from '@playwright/test';
import { WebClient } from '@slack/web-api';
import sharp from 'sharp';
import { expect, seriousViolations } from './journeys';
import { seed, signedIn, type SeededUser } from './seed';

/**
 * A bot posts through the Slack Web API (the stock WebClient, with an installed app's bot token) a message with
 * every block type and legacy attachments; a person sees it laid out as on Slack: blocks instead of the
 * fallback text, images served by our own server, controls that tell when the app does not answer.
 */

/** The server's Slack id for a UUID (core/src/slack/slack-ids.ts): a kind letter, the UUID in base 32. */
const slackId = (kind: string, uuid: string) =>
  kind +
  BigInt(`0x${uuid.replace(/-/g, '')}`)
    .toString(32)
    .toUpperCase()
    .padStart(26, '0');

let imageServer: Server;
let imageBase: string;
let alice: SeededUser;
let channelUrl: string;
let channelId: string;

test.beforeAll(async ({ request }) => {
  const picture = await sharp({ create: { width: 600, height: 300, channels: 3, background: '#2d6cdf' } })
    .png()
    .toBuffer();
  imageServer = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'image/png' }).end(picture);
  });
  // The journeys' server may reach this machine (EGRESS_ALLOW_NETWORKS=127.0.0.1/32 in web-client.e2e.ts).
  await new Promise<void>((resolve) => imageServer.listen(0, '127.0.0.1', resolve));
  imageBase = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}`;

  alice = await seed.user(request, 'Alice');
  const workspace = await seed.workspace(request, alice);
  const channel = await seed.channel(request, workspace.id, alice, 'deploys');
  channelId = channel.id;
  channelUrl = `/w/${workspace.id}/c/${channel.id}`;
  const auth = { authorization: `Bearer ${alice.token}` };
  const app = await request.post(`/api/v1/workspaces/${workspace.id}/apps`, {
    headers: auth,
    data: {
      name: 'Deploy bot',
      redirectUris: ['https://deploy.example/callback'],
      scopes: ['chat:write', 'channels:join', 'reactions:write'],
    },
  });
  const install = await request.post(
    `/api/v1/workspaces/${workspace.id}/apps/${(await app.json()).id}/install`,
    {
      headers: auth,
      data: {},
    },
  );
  const { token } = (await install.json()) as { token: string };
  const origin = new URL(String(test.info().project.use.baseURL)).origin;
  const slack = new WebClient(token, { slackApiUrl: `${origin}/api/slack/`, retryConfig: { retries: 0 } });
  const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
  await slack.conversations.join({ channel: slackId('C', channel.id) });
  const posted = await slack.chat.postMessage({
    channel: slackId('C', channel.id),
    text: 'Deploy 42 finished (fallback)',
    blocks: [
      { type: 'header', text: plain('Deploy 42 :rocket:') },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*Production* is live, <@${slackId('U', alice.user.id)}> &lt;b&gt;x&lt;/b&gt; <script>`,
        },
        fields: [
          { type: 'mrkdwn', text: '*Branch*\nmain' },
          { type: 'mrkdwn', text: '*Duration*\n4 min' },
        ],
        accessory: { type: 'image', image_url: `${imageBase}/logo.png`, alt_text: 'Service logo' },
      },
      { type: 'divider' },
      {
        type: 'context',
        elements: [
          { type: 'image', image_url: `${imageBase}/avatar.png`, alt_text: 'Deployer avatar' },
          { type: 'mrkdwn', text: 'Triggered from <https://ci.example/42|CI run 42>' },
        ],
      },
      {
        type: 'image',
        image_url: `${imageBase}/graph.png`,
        alt_text: 'Latency graph after the deploy',
        title: plain('Latency'),
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: plain('Approve'),
            style: 'primary',
            value: 'approve',
            action_id: 'approve',
          },
          {
            type: 'button',
            text: plain('Roll back'),
            style: 'danger',
            value: 'rollback',
            action_id: 'rollback',
          },
          { type: 'button', text: plain('Open the run'), url: 'https://ci.example/42' },
          {
            type: 'static_select',
            action_id: 'env',
            placeholder: plain('Promote to'),
            options: [
              { text: plain('Staging'), value: 'staging' },
              { text: plain('Production'), value: 'production' },
            ],
          },
          { type: 'overflow', action_id: 'more', options: [{ text: plain('Rerun'), value: 'rerun' }] },
          {
            type: 'datepicker',
            action_id: 'when',
            placeholder: plain('Schedule for'),
            initial_date: '2026-12-04',
          },
          { type: 'users_select', action_id: 'owner', placeholder: plain('Assign to') },
          { type: 'conversations_select', action_id: 'notify', placeholder: plain('Notify channel') },
        ],
      },
    ],
    attachments: [
      {
        color: 'good',
        pretext: 'Checks for _deploy 42_',
        author_name: 'Monitor',
        author_link: 'https://monitor.example',
        title: 'All checks passed',
        title_link: 'https://monitor.example/checks/42',
        text: 'Error rate *0.01%*',
        fields: [
          { title: 'Region', value: 'eu-west', short: true },
          { title: 'Hosts', value: '12', short: true },
          { title: 'Notes', value: 'Nothing to report', short: false },
        ],
        footer: 'Monitor v2',
      },
    ],
  });
  expect(posted.ok).toBe(true);
  // Slack apps write emoji as shortcodes, in text and in reactions.
  const smoke = await slack.chat.postMessage({
    channel: slackId('C', channel.id),
    text: ':white_check_mark: Smoke tests passed :tada: (`:tada:` in code stays)',
  });
  await slack.reactions.add({ channel: slackId('C', channel.id), timestamp: smoke.ts!, name: 'thumbsup' });
});

test.afterAll(async () => {
  await new Promise((resolve) => imageServer.close(resolve));
});

async function openMessage(page: Page) {
  await page.goto(channelUrl);
  const message = page.getByRole('article').filter({ hasText: 'Deploy 42' });
  await expect(message.getByRole('heading', { name: 'Deploy 42 🚀' })).toBeVisible();
  // Every picture arrived through the server (an <img> replaced its placeholder) and decoded.
  for (const alt of ['Service logo', 'Deployer avatar', 'Latency graph after the deploy']) {
    const image = message.getByAltText(alt);
    await expect(image).toBeVisible();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  }
  return message;
}

test('a bot message with every block type and an attachment reads as on Slack', async ({ browser }) => {
  const page = await signedIn(browser, alice, { viewport: { width: 1280, height: 800 } });
  const message = await openMessage(page);

  // Blocks replace the fallback text; mrkdwn is formatted, mentions named, injected HTML shown as text.
  await expect(message.getByText('Deploy 42 finished (fallback)')).toHaveCount(0);
  await expect(message.locator('strong').filter({ hasText: /^Production$/ })).toBeVisible();
  await expect(message).toContainText('is live, @Alice <b>x</b> <script>');
  await expect(message.locator('script, b')).toHaveCount(0);
  await expect(message.getByText('Branch', { exact: true })).toBeVisible();
  await expect(message.getByText('4 min')).toBeVisible();
  await expect(message.getByRole('separator')).toBeVisible();
  await expect(message.getByRole('link', { name: 'CI run 42' })).toHaveAttribute(
    'href',
    'https://ci.example/42',
  );
  await expect(message.getByRole('figure')).toContainText('Latency');

  // Controls are real, labelled and enabled (an app posted them); this app has no interactivity URL, so a
  // click says the app did not answer, and the controls are usable again.
  for (const name of ['Approve', 'Roll back'])
    await expect(message.getByRole('button', { name })).toBeEnabled();
  await expect(message.getByRole('link', { name: 'Open the run' })).toHaveAttribute(
    'href',
    'https://ci.example/42',
  );
  for (const name of ['Promote to', 'More options', 'Assign to', 'Notify channel'])
    await expect(message.getByRole('combobox', { name })).toBeEnabled();
  await message.getByRole('button', { name: 'Approve' }).click();
  await expect(message.getByRole('alert')).toContainText('The app did not answer');
  await expect(message.getByRole('alert')).toContainText('no interactivity URL');
  await expect(message.getByRole('button', { name: 'Approve' })).toBeEnabled();
  await expect(message.getByLabel('Schedule for')).toHaveValue('2026-12-04');

  // The attachment: its bar, author, linked title, formatted text, fields (short ones side by side), footer.
  await expect(message.locator('em').filter({ hasText: /^deploy 42$/ })).toBeVisible();
  await expect(message.getByRole('link', { name: 'Monitor', exact: true })).toBeVisible();
  await expect(message.getByRole('link', { name: 'All checks passed' })).toHaveAttribute(
    'href',
    'https://monitor.example/checks/42',
  );
  await expect(message.locator('strong').filter({ hasText: /^0\.01%$/ })).toBeVisible();
  const region = await message.getByText('eu-west').boundingBox();
  const hosts = await message.getByText('12', { exact: true }).boundingBox();
  const notes = await message.getByText('Nothing to report').boundingBox();
  expect(hosts!.y).toBeCloseTo(region!.y, 0);
  expect(hosts!.x).toBeGreaterThan(region!.x + 100);
  expect(notes!.y).toBeGreaterThan(region!.y + 10);
  await expect(message.getByText('Monitor v2')).toBeVisible();
  const bar = await message
    .locator('.slack-attachment')
    .evaluate((node) => getComputedStyle(node).borderLeftColor);
  expect(bar).toBe('rgb(46, 182, 125)');

  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: 'test-results/blocks-1280x800.png' });
  await message.screenshot({ path: 'test-results/blocks-message-1280.png' });

  // The dark theme: the same tokens, contrast still checked.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await seriousViolations(page, ['color-contrast'])).toEqual([]);
  await page.screenshot({ path: 'test-results/blocks-1280x800-dark.png' });
  await page.context().close();
});

test('a bot’s :shortcodes: and its reaction by name show as emoji, as on Slack; a person’s 👍 joins that reaction', async ({
  browser,
}) => {
  const page = await signedIn(browser, alice, { viewport: { width: 1280, height: 800 } });
  await page.goto(channelUrl);
  const message = page.getByRole('article').filter({ hasText: 'Smoke tests passed' });
  await expect(message).toContainText('✅ Smoke tests passed 🎉 (:tada: in code stays)');
  const chip = message.getByRole('button', { name: /^thumbsup: 1 reaction/ });
  await expect(chip).toHaveText('👍 1');

  // Alice picks 👍: she joins the bot's reaction (one chip, and one reaction on the server, as Slack apps read it).
  await message
    .getByRole('list', { name: 'Reactions' })
    .getByRole('button', { name: 'Add reaction' })
    .click();
  const picker = page.getByRole('dialog', { name: 'Emoji picker' });
  await picker.getByRole('searchbox', { name: 'Search emoji' }).fill('thumbs up');
  await picker.getByRole('gridcell', { name: 'Thumbs up', exact: true }).click();
  const joined = message.getByRole('button', { name: 'thumbsup: 2 reactions, from Deploy bot, you' });
  await expect(joined).toHaveText('👍 2');
  await expect(joined).toHaveAttribute('aria-pressed', 'true');
  await expect(message.getByRole('list', { name: 'Reactions' }).getByRole('button')).toHaveCount(2);
  const page1 = await page.request.get(`/api/v1/channels/${channelId}/messages?limit=10`, {
    headers: { authorization: `Bearer ${alice.token}` },
  });
  const { items } = (await page1.json()) as { items: { text: string; reactions: { emoji: string }[] }[] };
  const smoke = items.find((item) => item.text.includes('Smoke tests passed'));
  expect(smoke?.reactions.map((reaction) => reaction.emoji)).toEqual(['thumbsup']);
  // Pressing the chip takes hers away again.
  await joined.click();
  await expect(message.getByRole('button', { name: /^thumbsup: 1 reaction/ })).toHaveAttribute(
    'aria-pressed',
    'false',
  );
  await page.context().close();
});

test('on a phone the blocks fit the screen and stay usable', async ({ browser }) => {
  const page = await signedIn(browser, alice, { viewport: { width: 390, height: 844 }, hasTouch: true });
  const message = await openMessage(page);
  await expect(message.getByRole('button', { name: 'Approve' })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const box = await message.getByRole('button', { name: 'Roll back' }).boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(40);
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  expect(await seriousViolations(page)).toEqual([]);
  await message.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/blocks-390x844.png', fullPage: true });
  await page.context().close();
});
