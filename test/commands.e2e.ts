import { ApiClient } from '../fixtures/api-client';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

/**
 * The command registry the composer autocompletes from: what the workspace's plugins and apps declare, as the
 * caller may run it, with the same rule `POST …/commands` applies (guests run no app commands).
 */
let server: TestServer;
let owner: TestUser;
let member: TestUser;
let guest: TestUser;
let outsider: TestUser;
let workspaceId: string;
let channelId: string;

const registry = (user: TestUser, id = workspaceId) => user.api.get(`/api/v1/workspaces/${id}/commands`);
const commandsOf = async (user: TestUser) =>
  ((await registry(user)).body.items as { command: string }[]).map((item) => item.command);

beforeAll(async () => {
  // The app's command URL is on loopback, which the egress guard refuses unless told.
  server = await startTestServer({ egressAllowNetworks: ['127.0.0.0/8'] });
  [owner, member, guest, outsider] = await Promise.all(
    ['Owner', 'Member', 'Guest', 'Outsider'].map((name) => registerUser(server.url, name)),
  );
  workspaceId = (await createWorkspace(owner)).id;
  await addToWorkspace(owner, workspaceId, member);
  await addToWorkspace(owner, workspaceId, guest, 'guest');
  channelId = (await createChannel(owner, workspaceId)).id;
  expect((await owner.api.post(`/api/v1/channels/${channelId}/members`, { userId: guest.id })).status).toBe(
    204,
  );

  const tasks = await owner.api.put(`/api/v1/workspaces/${workspaceId}/plugins/tasks`, { enabled: true });
  expect(tasks.status).toBe(200);
  const app = await owner.api.post(`/api/v1/workspaces/${workspaceId}/apps`, {
    name: 'Standup bot',
    redirectUris: ['https://standup.example.test/oauth'],
    scopes: ['commands'],
    commands: [
      {
        command: '/standup',
        url: 'http://127.0.0.1:9/commands',
        description: 'Start a standup',
        usage: '[topic]',
      },
    ],
  });
  expect(app.status).toBe(201);
  expect(
    (await owner.api.post(`/api/v1/workspaces/${workspaceId}/apps/${app.body.id}/install`, {})).status,
  ).toBe(201);
});

afterAll(async () => {
  await server.close();
});

describe('GET /workspaces/:workspaceId/commands', () => {
  it('lists /help, the plugins’ and the apps’ commands with their usage and source', async () => {
    const response = await registry(member);
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([
      {
        command: '/help',
        description: expect.any(String),
        usage: null,
        source: { kind: 'builtin', id: 'help', name: expect.any(String) },
      },
      {
        command: '/standup',
        description: 'Start a standup',
        usage: '[topic]',
        source: { kind: 'app', id: expect.any(String), name: 'Standup bot' },
      },
      {
        command: '/task',
        description: "Keeps this channel's to-do list",
        usage: expect.stringContaining('add <text>'),
        source: { kind: 'plugin', id: 'tasks', name: 'Tasks' },
      },
    ]);
  });

  it('shows guests only what they may run, and refuses them an app’s command', async () => {
    expect(await commandsOf(guest)).toEqual(['/help', '/task']);
    const refused = await guest.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/standup now' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const help = await guest.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/help' });
    expect(help.body.text).toContain('/task');
    expect(help.body.text).not.toContain('/standup');
    // A guest's plugin command still runs.
    const list = await guest.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/task list' });
    expect(list.body).toMatchObject({ responseType: 'ephemeral' });
  });

  it('is 404 to non-members and for unknown workspaces, 401 without a token', async () => {
    expect((await registry(outsider)).status).toBe(404);
    expect((await registry(member, '00000000-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await registry(member, 'not-a-uuid')).status).toBe(404);
    expect((await new ApiClient(server.url).get(`/api/v1/workspaces/${workspaceId}/commands`)).status).toBe(
      401,
    );
  });

  it('drops a plugin’s commands once it is disabled', async () => {
    const path = `/api/v1/workspaces/${workspaceId}/plugins/tasks`;
    expect((await owner.api.put(path, { enabled: false })).status).toBe(200);
    try {
      expect(await commandsOf(member)).toEqual(['/help', '/standup']);
    } finally {
      expect((await owner.api.put(path, { enabled: true })).status).toBe(200);
    }
    expect(await commandsOf(member)).toContain('/task');
  });
});
