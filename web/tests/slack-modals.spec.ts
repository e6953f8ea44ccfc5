import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from '@playwright/test';
import { App, HTTPReceiver, LogLevel, type BlockAction, type ButtonAction } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { expect, seriousViolations } from './journeys';
import { seed, signedIn } from './seed';

/**
 * A stock Bolt app (HTTPReceiver, signature verification on) running in this process, with the server's URLs:
 * /deploy opens its modal in the browser, with every input element; an unknown target is refused on the field;
 * a known one posts a message with an Approve button, whose click reaches app.action('approve'), which
 * replaces the message.
 */

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const options = (...values: string[]) => values.map((value) => ({ text: plain(value), value }));

/** The modal: a target to type, and how, when and with what to deploy. */
function deployModal(channelId: string) {
  return {
    type: 'modal' as const,
    callback_id: 'deploy',
    private_metadata: channelId,
    title: plain('Deploy'),
    submit: plain('Deploy'),
    close: plain('Cancel'),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: 'Deploys *main* to the target.' } },
      {
        type: 'input',
        block_id: 'target',
        label: plain('Target'),
        element: { type: 'plain_text_input', action_id: 'name' },
      },
      {
        type: 'input',
        block_id: 'region',
        label: plain('Region'),
        element: { type: 'static_select', action_id: 'pick', options: options('eu', 'us') },
      },
      {
        type: 'input',
        block_id: 'strategy',
        label: plain('Strategy'),
        element: { type: 'radio_buttons', action_id: 'pick', options: options('rolling', 'blue-green') },
      },
      {
        type: 'input',
        block_id: 'checks',
        optional: true,
        label: plain('Checks'),
        element: { type: 'checkboxes', action_id: 'pick', options: options('smoke', 'load') },
      },
      {
        type: 'input',
        block_id: 'when',
        label: plain('When'),
        element: { type: 'datepicker', action_id: 'day', initial_date: '2026-12-24' },
      },
    ],
  };
}

/** What the app does: /deploy opens the modal; a submission is checked, then asked for approval. */
function listen(bolt: App) {
  bolt.command('/deploy', async ({ ack, command, client }) => {
    if (command.text === 'status') {
      // Blocks for the typist alone: shown under the conversation, their controls not live.
      await ack({
        response_type: 'ephemeral',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'Staging runs *main*' } },
          {
            type: 'actions',
            elements: [{ type: 'button', action_id: 'rollback', text: plain('Roll back') }],
          },
        ],
      });
      return;
    }
    await ack();
    await client.views.open({ trigger_id: command.trigger_id, view: deployModal(command.channel_id) });
  });
  bolt.view('deploy', async ({ ack, view, client }) => {
    // The state holds every input of the modal (web tsconfig checks indexed access).
    const values = view.state.values;
    const input = (blockId: string, actionId: string) => values[blockId]![actionId]!;
    const target = input('target', 'name').value ?? '';
    if (target !== 'staging') {
      await ack({ response_action: 'errors', errors: { target: `Unknown target: ${target}` } });
      return;
    }
    await ack();
    const checks = (input('checks', 'pick').selected_options ?? []).map((option) => option.value).join('+');
    const plan = [
      input('region', 'pick').selected_option?.value,
      input('strategy', 'pick').selected_option?.value,
      checks,
      input('when', 'day').selected_date,
    ].join(', ');
    await client.chat.postMessage({
      channel: view.private_metadata,
      text: `Deploy ${target}: ${plan}?`,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `Deploy ${target}: ${plan}?` } },
        {
          type: 'actions',
          elements: [{ type: 'button', action_id: 'approve', text: plain('Approve'), value: target }],
        },
      ],
    });
  });
  bolt.action<BlockAction<ButtonAction>>('approve', async ({ ack, action, respond }) => {
    await ack();
    await respond({ replace_original: true, text: `Approved ${action.value}` });
  });
}
test('a Bolt app’s modal and button work in the browser: errors on the field, then Approve', async ({
  browser,
  request,
  baseURL,
}) => {
  const ada = await seed.user(request, 'Ada');
  const workspace = await seed.workspace(request, ada);
  const channel = await seed.channel(request, workspace.id, ada, 'releases');

  // The app's own HTTP server on this machine (the journeys' server may reach 127.0.0.1).
  let listener: RequestListener = (_request, response) => void response.writeHead(503).end();
  const host = createServer((req, res) => listener(req, res));
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  const boltUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/slack/events`;
  try {
    const headers = { authorization: `Bearer ${ada.token}` };
    const created = await request.post(`/api/v1/workspaces/${workspace.id}/apps`, {
      headers,
      data: {
        name: 'Deployer',
        redirectUris: ['https://deployer.example.test/oauth'],
        scopes: ['chat:write', 'channels:join', 'commands'],
        commands: [{ command: '/deploy', url: boltUrl, description: 'Deploy' }],
        interactivityUrl: boltUrl,
      },
    });
    expect(created.status()).toBe(201);
    const app = (await created.json()) as { id: string; signingSecret: string };
    const install = await request.post(`/api/v1/workspaces/${workspace.id}/apps/${app.id}/install`, {
      headers,
      data: {},
    });
    const { token } = (await install.json()) as { token: string };
    const slackApiUrl = `${baseURL}/api/slack/`;
    await new WebClient(token, { slackApiUrl }).conversations.join({ channel: channel.id });
    const receiver = new HTTPReceiver({
      signingSecret: app.signingSecret,
      // Bolt's default: ack() answers at once, so the app's later calls (chat.postMessage) are not inside its 3 s.
      processBeforeResponse: false,
      logLevel: LogLevel.ERROR,
    });
    const bolt = new App({ token, receiver, clientOptions: { slackApiUrl }, logLevel: LogLevel.ERROR });
    listen(bolt);
    listener = receiver.requestListener;

    const page = await signedIn(browser, ada);
    await page.goto(`/w/${workspace.id}/c/${channel.id}`);
    const box = page.getByRole('textbox', { name: 'Message # releases' });
    await box.fill('/deploy modal');
    await box.press('Enter');

    const modal = page.getByRole('dialog', { name: 'Deploy' });
    await expect(modal).toBeVisible();
    const target = modal.getByRole('textbox', { name: 'Target' });
    await target.fill('nowhere');
    await modal.getByRole('combobox', { name: 'Region' }).selectOption('us');
    await modal.getByRole('radio', { name: 'blue-green' }).check();
    await modal.getByRole('checkbox', { name: 'smoke' }).check();
    await modal.getByRole('checkbox', { name: 'load' }).check();
    await expect(modal.getByLabel('When')).toHaveValue('2026-12-24');
    await modal.getByRole('button', { name: 'Deploy' }).click();
    await expect(modal.getByRole('alert')).toHaveText('Unknown target: nowhere');
    await expect(target).toHaveAttribute('aria-invalid', 'true');
    await expect(target).toHaveAccessibleDescription('Unknown target: nowhere');
    expect(await seriousViolations(page)).toEqual([]);

    await target.fill('staging');
    await modal.getByRole('button', { name: 'Deploy' }).click();
    await expect(modal).toBeHidden();

    const question = 'Deploy staging: us, blue-green, smoke+load, 2026-12-24?';
    const message = page.getByRole('log').getByRole('article').filter({ hasText: question });
    await message.getByRole('button', { name: 'Approve' }).click();
    await expect(page.getByRole('log').getByText('Approved staging')).toBeVisible();
    await expect(page.getByText(question)).toHaveCount(0);

    await box.fill('/deploy status');
    await box.press('Enter');
    const answer = page.getByRole('article', { name: 'Answer from Deployer' });
    await expect(answer.getByText('Staging runs')).toBeVisible();
    await expect(answer.getByText('main', { exact: true })).toHaveCSS('font-weight', '700');
    await expect(answer.getByRole('button', { name: 'Roll back' })).toBeDisabled();
    expect(await seriousViolations(page)).toEqual([]);
  } finally {
    host.closeAllConnections();
    await new Promise((resolve) => host.close(resolve));
  }
});
