import { buildTestPlugin } from '../fixtures/plugin-build';
import { createChannel, createWorkspace, registerUser, TestUser } from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

/**
 * A host-side failure of a capability call (text the database cannot store, a database error) reaches the
 * plugin as a plain message, never SQL, and does not count toward disabling the plugin.
 */
const KEEPER = `
import { definePlugin } from '@jokkaer/sdk-plugin';
export default definePlugin({
  commands: {
    // Text with NUL can reach a plugin from anywhere (an event, a fetched page); here the plugin makes it.
    keep: async (invocation, ctx) => {
      await ctx.kv.set('note', { text: invocation.args + '\\u0000' });
      return { text: 'kept' };
    },
    // An out-of-range version makes the database itself fail.
    overflow: async (_, ctx) => {
      await ctx.kv.set('note', 'x', { ifVersion: 1e20 });
      return { text: 'set' };
    },
    count: async (_, ctx) => ({ text: String((await ctx.kv.list()).length) }),
  },
});`;

let server: TestServer;
let admin: TestUser;
let workspaceId: string;
let channelId: string;

beforeAll(async () => {
  const pluginDir = await buildTestPlugin(KEEPER, {
    id: 'keeper',
    permissions: {
      kv: { quotaBytes: 10_000 },
      commands: ['keep', 'overflow', 'count'].map((command) => ({ command, description: command })),
    },
  });
  server = await startTestServer({ pluginDirs: [pluginDir], pluginFailuresBeforeDisable: 5 });
  admin = await registerUser(server.url, 'Admin');
  workspaceId = (await createWorkspace(admin)).id;
  channelId = (await createChannel(admin, workspaceId, 'public', 'general')).id;
  const install = await admin.api.put(`/api/v1/workspaces/${workspaceId}/plugins/keeper`, { enabled: true });
  expect(install.status).toBe(200);
}, 120_000);
afterAll(async () => {
  await server?.close();
});

const command = async (text: string) => {
  const response = await admin.api.post(`/api/v1/channels/${channelId}/commands`, { text });
  expect(response.status).toBe(200);
  return response.body.text as string;
};

const install = async () =>
  (await admin.api.get(`/api/v1/workspaces/${workspaceId}/plugins`)).body.items.find(
    (item: { pluginId: string }) => item.pluginId === 'keeper',
  );

describe('host-side failures of plugin capability calls', () => {
  it('refuses a KV value with NUL naming it, without SQL, and the plugin stays enabled', async () => {
    for (let i = 0; i < 10; i++) {
      const answer = await command('/keep buy milk');
      expect(answer).toBe(
        '/keep failed: kv.set: value/text must not contain NUL characters or unpaired UTF-16 surrogates',
      );
      expect(answer).not.toMatch(/INSERT|plugin_kv|invalid byte sequence/i);
    }
    expect(await install()).toMatchObject({ enabled: true, disabledReason: null });
    expect(await command('/count')).toBe('0');
    const runs = await admin.api.get(`/api/v1/workspaces/${workspaceId}/plugins/keeper/invocations`);
    expect(runs.body.items.filter((run: { outcome: string }) => run.outcome === 'host')).toHaveLength(10);
  });

  it('turns a database error into a generic message for the plugin, not counted against it', async () => {
    for (let i = 0; i < 6; i++) {
      const answer = await command('/overflow');
      expect(answer).toBe('/overflow failed: the server could not complete kv.set; try again later');
    }
    expect(await install()).toMatchObject({ enabled: true });
  });
});
