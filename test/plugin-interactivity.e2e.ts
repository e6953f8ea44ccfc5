import path from 'node:path';
import { buildPluginDir } from '../fixtures/plugin-build';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { RealtimeClient } from '../fixtures/realtime-client';
import { startTestServer, TestServer } from './support/server';

/**
 * A plugin's interactive message and modal on a real server: the approvals sample (fixtures/plugins/approvals)
 * posts a request with buttons; a click runs its `actions` handler in the sandbox, which opens a modal in the
 * person's browser (the socket's view.opened); a button inside the modal updates it; the submission is first
 * refused on its field, then accepted, and the plugin replaces the request.
 */
let server: TestServer;
let admin: TestUser;
let member: TestUser;
let workspaceId: string;
let channelId: string;
let realtime: RealtimeClient;

beforeAll(async () => {
  server = await startTestServer({
    pluginDirs: [await buildPluginDir(path.resolve(__dirname, '../fixtures/plugins/approvals'))],
  });
  admin = await registerUser(server.url, 'Admin');
  member = await registerUser(server.url, 'Member');
  workspaceId = (await createWorkspace(admin)).id;
  await addToWorkspace(admin, workspaceId, member);
  channelId = (await createChannel(admin, workspaceId, 'public', 'purchases')).id;
  await member.api.post(`/api/v1/channels/${channelId}/join`);
  const installed = await admin.api.put(`/api/v1/workspaces/${workspaceId}/plugins/approvals`, {
    enabled: true,
  });
  expect(installed.status).toBe(200);
  realtime = await RealtimeClient.connect(server.url, { token: member.token });
}, 120_000);
afterAll(async () => {
  realtime?.close();
  await server.close();
});

const latest = async () => (await member.api.get(`/api/v1/channels/${channelId}/messages`)).body.items[0];
const opened = (predicate: (view: any) => boolean) =>
  realtime.next((frame) => frame.type === 'view.opened' && predicate(frame.view));

describe('a plugin answering clicks and opening modals', () => {
  it('runs the action handler on a click, opens its modal, and takes its submission (errors, then success)', async () => {
    const command = await member.api.post(`/api/v1/channels/${channelId}/commands`, {
      text: '/request a laptop',
    });
    expect(command.body).toMatchObject({ text: 'Request posted' });
    const request = await latest();
    expect(request.blocks[1]).toMatchObject({ type: 'actions', block_id: 'decide' });
    expect(request.text).toBe('Request: *a laptop*');

    const click = await member.api.post(`/api/v1/messages/${request.id}/actions`, {
      blockId: 'decide',
      actionId: 'approve',
    });
    expect(click.status).toBe(200);
    const modal = (await opened((view) => view.callback_id === 'approve-reason')).view;
    expect(modal).toMatchObject({ title: { text: 'Approve request' }, blocks: [{ block_id: 'reason' }, {}] });

    // A button inside the modal reaches the plugin with the view; it updates the view.
    const suggest = await member.api.post(`/api/v1/views/${modal.id}/actions`, {
      blockId: 'helpers',
      actionId: 'suggest',
      values: { reason: { text: '' } },
    });
    expect(suggest.status).toBe(200);
    const updated = (await opened((view) => view.id === modal.id && view.hash !== modal.hash)).view;
    expect(updated.blocks[0].element.initial_value).toBe('Looks good to me');

    const refused = await member.api.post(`/api/v1/views/${modal.id}/submit`, {
      values: { reason: { text: 'ok' } },
    });
    expect(refused.body).toEqual({
      result: 'errors',
      errors: { reason: 'Give a reason of 3 characters or more' },
    });

    const accepted = await member.api.post(`/api/v1/views/${modal.id}/submit`, {
      values: { reason: { text: 'Old one broke' } },
    });
    expect(accepted.body).toEqual({ result: 'closed' });
    await realtime.next(
      (frame) => frame.type === 'view.closed' && (frame as any).rootViewId === modal.rootViewId,
    );
    const decided = await latest();
    expect(decided.id).toBe(request.id);
    expect(decided.blocks).toEqual([
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `Approved by <@${member.id}>: *a laptop* (Old one broke)` },
      },
    ]);
    // The runs are in the install's invocation log, by kind.
    const log = await admin.api.get(`/api/v1/workspaces/${workspaceId}/plugins/approvals/invocations`);
    const kinds = log.body.items.map((run: { kind: string; name: string }) => `${run.kind} ${run.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining(['action approve', 'action suggest', 'view approve-reason.submit']),
    );
  });

  it('answers an action the plugin has no handler for, or not on the message, with 400 naming the field', async () => {
    await member.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/request a chair' });
    const request = await latest();
    const notThere = await member.api.post(`/api/v1/messages/${request.id}/actions`, {
      blockId: 'decide',
      actionId: 'escalate',
    });
    expect(notThere.status).toBe(400);
    expect(notThere.body.errors).toEqual([{ path: 'actionId', message: 'is not in that block' }]);
    const invalid = await member.api.post(`/api/v1/messages/${request.id}/actions`, { blockId: 'decide' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].path).toBe('actionId');

    // Reject replaces the message without a modal.
    const reject = await member.api.post(`/api/v1/messages/${request.id}/actions`, {
      blockId: 'decide',
      actionId: 'reject',
    });
    expect(reject.status).toBe(200);
    expect((await latest()).blocks[0].text.text).toBe(`Rejected by <@${member.id}>: *a chair*`);
  });

  it('keeps a modal to the person it was opened for, and a view action to controls the view has', async () => {
    await member.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/request a desk' });
    const request = await latest();
    await member.api.post(`/api/v1/messages/${request.id}/actions`, {
      blockId: 'decide',
      actionId: 'approve',
    });
    const modal = (await opened((view) => JSON.parse(view.private_metadata).what === 'a desk')).view;
    const stranger = await admin.api.post(`/api/v1/views/${modal.id}/actions`, {
      blockId: 'helpers',
      actionId: 'suggest',
      values: {},
    });
    expect(stranger.status).toBe(404);
    const unknown = await member.api.post(`/api/v1/views/${modal.id}/actions`, {
      blockId: 'helpers',
      actionId: 'nothing',
      values: {},
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ path: 'actionId', message: 'is not in that block' }]);
    const missingValues = await member.api.post(`/api/v1/views/${modal.id}/actions`, {
      blockId: 'helpers',
      actionId: 'suggest',
    });
    expect(missingValues.status).toBe(400);
    expect(missingValues.body.errors[0].path).toBe('values');
    expect((await member.api.post(`/api/v1/views/${modal.id}/close`)).status).toBe(204);
  });
});
