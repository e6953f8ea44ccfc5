import { createServer, IncomingMessage, Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { Clock } from '../core/src/common/clock';
import { PluginHost } from '../core/src/plugins/plugin-host';
import { PluginScheduler } from '../core/src/plugins/plugin-scheduler';
import { ApiClient } from '../fixtures/api-client';
import { buildPluginDir, buildTestPlugin } from '../fixtures/plugin-build';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/**
 * The plugin platform end to end: the SDK's sample bot built with the SDK's build tool, installed through the
 * API, running in the sandboxed runner process; and a hostile plugin that must harm nothing.
 */
let server: TestServer;
let weather: Server;
let weatherUrl: string;
const weatherRequests: IncomingMessage[] = [];
let admin: TestUser;
let member: TestUser;
let workspaceId: string;
let channelId: string;
let db: Client;

const EVIL = `
import { definePlugin } from '@jokkaer/sdk-plugin';
export default definePlugin({
  on: { 'message.created': async (message) => { if (message.text.includes('spin')) { while (true) {} } } },
  commands: {
    escape: () => {
      const found = [typeof process, Function('return typeof process + typeof require + typeof global')(), typeof (globalThis as any).ivm];
      try { (globalThis as any).require('fs'); found.push('required'); } catch { found.push('no require'); }
      return { text: found.join(',') };
    },
    // Small arrays stay in V8's fast elements and reach the heap limit in milliseconds; one of a million elements
    // is a slow dictionary whose fill, on a loaded machine, outlasted the call's time limit (a 'timeout').
    hog: () => { const keep: number[][] = []; for (;;) keep.push(new Array(5e4).fill(keep.length)); },
    forever: async () => { for (;;) await null; },
    bigkv: async (_: unknown, ctx: any) => { await ctx.kv.set('big', 'x'.repeat(200_000)); return { text: 'stored' }; },
    metadata: async (_: unknown, ctx: any) => {
      const results: string[] = [];
      for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/', 'http://example.com/']) {
        try { await ctx.http.fetch(url); results.push('fetched ' + url); } catch (e) { results.push(String((e as Error).message)); }
      }
      return { text: results.join(' | ') };
    },
    boom: () => { throw new Error('kaboom'); },
  },
});`;

const TICKER = `
import { definePlugin } from '@jokkaer/sdk-plugin';
export default definePlugin({
  schedules: {
    tick: async (ctx) => {
      await ctx.messages.post({ channelId: String(ctx.settings.channelId), text: 'tick' });
    },
  },
});`;

beforeAll(async () => {
  weather = createServer((request, response) => {
    weatherRequests.push(request);
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ temperatureC: 21, conditions: 'sunny' }));
  });
  await new Promise<void>((resolve) => weather.listen(0, '127.0.0.1', resolve));
  weatherUrl = `http://127.0.0.1:${(weather.address() as { port: number }).port}`;

  const echoDir = path.resolve(__dirname, '../fixtures/plugins/echo-bot');
  const pluginDirs = [
    await buildPluginDir(echoDir),
    await buildTestPlugin(EVIL, {
      id: 'evil',
      name: 'Evil',
      permissions: {
        events: ['message.created'],
        kv: { quotaBytes: 100_000 },
        http: { hosts: ['169.254.169.254', '10.0.0.1'] },
        commands: ['escape', 'hog', 'forever', 'bigkv', 'metadata', 'boom'].map((command) => ({
          command,
          description: command,
        })),
      },
    }),
    await buildTestPlugin(TICKER, {
      id: 'ticker',
      name: 'Ticker',
      permissions: { messages: { write: true }, schedules: [{ name: 'tick', cron: '* * * * * *' }] },
      settingsSchema: {
        type: 'object',
        properties: { channelId: { type: 'string', format: 'uuid' } },
        required: ['channelId'],
      },
    }),
  ];
  server = await startTestServer({
    pluginDirs,
    egressAllowNetworks: ['127.0.0.0/8'],
    pluginFailuresBeforeDisable: 5,
    instanceAdminEmails: ['operator@example.test'],
  });
  db = new Client({ connectionString: server.databaseUrl });
  await db.connect();
  admin = await registerUser(server.url, 'Admin');
  member = await registerUser(server.url, 'Member');
  workspaceId = (await createWorkspace(admin)).id;
  await addToWorkspace(admin, workspaceId, member);
  channelId = (await createChannel(admin, workspaceId, 'public', 'general')).id;
  await member.api.post(`/api/v1/channels/${channelId}/join`);
}, 120_000);
afterAll(async () => {
  await db.end();
  await server.close();
  weather.close();
});

const command = (user: TestUser, text: string, threadId?: string) =>
  user.api.post(`/api/v1/channels/${channelId}/commands`, { text, ...(threadId ? { threadId } : {}) });

describe('plugin platform', () => {
  it('lists the catalogue and refuses settings that fail the plugin schema, naming the fields', async () => {
    const catalogue = await member.api.get('/api/v1/plugins');
    // Besides the first-party plugins (plugins/<name>/dist), which the server always offers.
    expect(catalogue.body.items.map((p: { id: string }) => p.id)).toEqual(
      expect.arrayContaining(['echo-bot', 'evil', 'ticker']),
    );
    const echo = catalogue.body.items.find((p: { id: string }) => p.id === 'echo-bot');
    expect(echo.permissions.commands.map((c: { command: string }) => c.command)).toEqual(['echo', 'weather']);

    const url = `/api/v1/workspaces/${workspaceId}/plugins/echo-bot`;
    expect((await member.api.put(url, { enabled: true, settings: { weatherUrl } })).status).toBe(403);
    expect(
      (await admin.api.put(`/api/v1/workspaces/${workspaceId}/plugins/nope`, { enabled: true })).status,
    ).toBe(404);
    const invalid = await admin.api.put(url, { enabled: true, settings: { weatherUrl: 42, colour: 'red' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'settings/colour',
      'settings/weatherUrl',
    ]);
  });

  it('installs with a bot member and write-only secrets, and answers commands with /help and 404', async () => {
    const url = `/api/v1/workspaces/${workspaceId}/plugins/echo-bot`;
    const installed = await admin.api.put(url, {
      enabled: true,
      settings: { weatherUrl, weatherApiKey: 's3cret' },
    });
    expect(installed.status).toBe(200);
    expect(installed.body).toMatchObject({ pluginId: 'echo-bot', enabled: true, settings: { weatherUrl } });
    expect(installed.body.secretsSet).toEqual(['weatherApiKey']);
    expect(JSON.stringify(installed.body)).not.toContain('s3cret');
    expect(
      JSON.stringify((await admin.api.get(`/api/v1/workspaces/${workspaceId}/plugins`)).body),
    ).not.toContain('s3cret');
    const members = await admin.api.get(`/api/v1/workspaces/${workspaceId}/members`);
    expect(members.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ displayName: 'Echo bot', isBot: true })]),
    );

    const help = await command(member, '/help');
    expect(help.body.text).toContain('/echo <text>');
    expect(help.body.text).toContain('/weather <city>');
    expect(await command(member, '/echo hello there')).toMatchObject({
      status: 200,
      body: { responseType: 'ephemeral', text: 'hello there' },
    });
    expect((await command(member, '/nope')).status).toBe(404);
    // KV kept the count, scoped to this install.
    await command(member, '/echo again');
    const kv = await db.query(`SELECT key, value FROM plugin_kv`);
    expect(kv.rows).toEqual([{ key: 'count', value: 2 }]);
    // Concurrent commands count exactly, through getEntry + compare-and-set. Each must have run to the end (on a
    // loaded machine four rounds of KV calls may not fit the default 1 s command budget, so this install gets 10 s).
    const roomy = await admin.api.put(url, {
      enabled: true,
      settings: { weatherUrl },
      limits: { commandTimeoutMs: 10_000 },
    });
    expect(roomy.body.limits).toMatchObject({ commandTimeoutMs: 10_000 });
    const together = await Promise.all(Array.from({ length: 4 }, () => command(member, '/echo together')));
    expect(together.map((answer) => [answer.status, answer.body.text])).toEqual(
      Array.from({ length: 4 }, () => [200, 'together']),
    );
    expect((await db.query(`SELECT value FROM plugin_kv WHERE key = 'count'`)).rows[0].value).toBe(6);
  });

  it('calls an allowed host with the secret setting and answers in the channel, in the thread it was typed in', async () => {
    const root = await postMessage(member, channelId, 'Trip planning');
    const answer = await command(member, '/weather Paris', root.id);
    expect(answer.body).toEqual({ responseType: 'in_channel', text: 'Weather in Paris: 21 °C, sunny' });
    expect(weatherRequests.at(-1)?.headers.authorization).toBe('Bearer s3cret');
    const replies = await member.api.get(`/api/v1/messages/${root.id}/replies`);
    expect(replies.body.items.map((m: { text: string }) => m.text)).toContain(
      'Weather in Paris: 21 °C, sunny',
    );
  });

  it('delivers events from its durable cursor: the bot answers ping in the thread', async () => {
    const ping = await postMessage(member, channelId, 'ping?');
    const pongTo = (messageId: string) =>
      eventually(async () => {
        const replies = await member.api.get(`/api/v1/messages/${messageId}/replies`);
        return replies.body.items.find((m: { text: string }) => m.text === 'pong');
      }, 'the pong');
    expect((await pongTo(ping.id)).userId).not.toBe(member.id);
    const secret = await createChannel(admin, workspaceId, 'private');
    const hidden = await postMessage(admin, secret.id, 'ping in private');
    // Events reach the plugin in order: once the later ping is answered, the hidden one was passed over.
    await pongTo((await postMessage(member, channelId, 'ping after')).id);
    expect((await admin.api.get(`/api/v1/messages/${hidden.id}/replies`)).body.items).toEqual([]);
  });

  it('runs messageWillBePosted in the request: rewrites, or rejects with the reason', async () => {
    expect((await postMessage(member, channelId, 'teh cat sat')).text).toBe('the cat sat');
    const rejected = await member.api.post(`/api/v1/channels/${channelId}/messages`, {
      text: 'a forbidden word',
    });
    expect(rejected.status).toBe(422);
    expect(rejected.body.detail).toContain('forbidden word');
  });

  it('keeps a hostile plugin harmless, logs its failures, and disables it after repeated ones', async () => {
    await admin.api.put(`/api/v1/workspaces/${workspaceId}/plugins/evil`, {
      enabled: true,
      limits: { memoryMb: 16 },
    });
    expect((await command(member, '/escape')).body.text).toBe(
      'undefined,undefinedundefinedundefined,undefined,no require',
    );
    const fetched = (await command(member, '/metadata')).body.text as string;
    expect(fetched).not.toContain('fetched');
    expect(fetched).toContain('not an allowed host'); // example.com is not in its manifest
    expect(fetched).toMatch(/link-local|private/);
    // Refused by the host: the plugin's users can fill its storage, so this is not the plugin failing.
    expect((await command(member, '/bigkv')).body.text).toMatch(/failed.*quota/);
    for (const name of ['hog', 'forever', 'boom', 'boom']) {
      const started = Date.now();
      const answer = await command(member, `/${name}`);
      expect(answer.body.text).toMatch(/failed/);
      expect(Date.now() - started).toBeLessThan(5000);
      // The server and the other plugin are fine.
      expect((await command(member, '/echo still here')).body.text).toBe('still here');
    }
    await postMessage(member, channelId, 'spin please');
    const log = await eventually(
      async () => {
        const response = await admin.api.get(`/api/v1/workspaces/${workspaceId}/plugins/evil/invocations`);
        const outcomes = response.body.items.map((i: { outcome: string }) => i.outcome);
        return outcomes.filter((o: string) => o !== 'ok' && o !== 'host').length >= 5 ? outcomes : undefined;
      },
      'five failed invocations',
      10_000,
    );
    expect(log).toEqual(expect.arrayContaining(['memory', 'timeout', 'error', 'host']));
    const invocations = `/api/v1/workspaces/${workspaceId}/plugins/evil/invocations`;
    const timeouts = await admin.api.get(`${invocations}?outcome=timeout`);
    expect(timeouts.body.items.length).toBeGreaterThan(0);
    expect(new Set(timeouts.body.items.map((i: { outcome: string }) => i.outcome))).toEqual(
      new Set(['timeout']),
    );
    expect((await admin.api.get(`${invocations}?outcome=sideways`)).body.errors[0].path).toBe(
      'query/outcome',
    );
    // The install is disabled just after its failure is logged (its health check reads the log): wait for it.
    const evil = await eventually(async () => {
      const installs = (await admin.api.get(`/api/v1/workspaces/${workspaceId}/plugins`)).body.items;
      const install = installs.find((i: { pluginId: string }) => i.pluginId === 'evil');
      return install?.enabled === false ? install : undefined;
    }, 'the hostile plugin to be disabled');
    expect(evil).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('disabled after') });
    expect((await command(member, '/boom')).status).toBe(404);
    expect((await command(member, '/echo survived')).body.text).toBe('survived');
  });

  it('restarts a crashed runner process while the API keeps serving', async () => {
    const host = server.app.get(PluginHost, { strict: false });
    const before = host.runner.pid as number;
    process.kill(before, 'SIGKILL');
    expect((await member.api.get('/health')).status).toBe(200);
    await eventually(
      async () => ((await command(member, '/echo back')).body.text === 'back' ? true : undefined),
      'the restarted runner',
    );
    expect(host.runner.pid).not.toBe(before);
  });

  it('runs cron schedules, once per occurrence, until uninstalled', async () => {
    const room = await createChannel(admin, workspaceId);
    const url = `/api/v1/workspaces/${workspaceId}/plugins/ticker`;
    // An admin may widen the hosts of a plugin that asks for HTTP, not give HTTP to one that does not.
    const widened = await admin.api.put(url, {
      enabled: true,
      settings: { channelId: room.id },
      allowedHosts: ['example.org'],
    });
    expect(widened.status).toBe(400);
    expect(widened.body.errors).toEqual([{ path: 'allowedHosts', message: expect.stringContaining('HTTP') }]);
    expect((await admin.api.put(url, { enabled: true, settings: { channelId: room.id } })).status).toBe(200);
    const ticks = async () =>
      (await admin.api.get(`/api/v1/channels/${room.id}/messages`)).body.items.filter(
        (m: { text: string }) => m.text === 'tick',
      ).length as number;
    await eventually(async () => ((await ticks()) >= 2 ? true : undefined), 'two ticks', 6000);
    expect((await admin.api.delete(url)).status).toBe(204);
    expect((await db.query(`SELECT count(*)::int AS n FROM plugin_schedules`)).rows[0].n).toBe(0);
    // A pass claimed before the uninstall may still be posting: once a whole pass has run after it, nothing more comes.
    const scheduler = server.app.get(PluginScheduler);
    await scheduler.runDue();
    const after = await ticks();
    const hourLater = jest
      .spyOn(server.app.get(Clock), 'now')
      .mockImplementation(() => Date.now() + 3_600_000);
    try {
      await scheduler.runDue();
    } finally {
      hourLater.mockRestore();
    }
    expect(await ticks()).toBe(after);
  });

  it('lets an instance admin upload a built bundle, which workspaces can then install', async () => {
    const manifest = {
      id: 'hello',
      name: 'Hello',
      version: '1.0.0',
      sdkVersion: '^0.1.0',
      permissions: { commands: [{ command: 'hello', description: 'Says hello' }] },
    };
    const out = await buildTestPlugin(
      `import { definePlugin } from '@jokkaer/sdk-plugin';
       export default definePlugin({ commands: { hello: () => ({ text: 'hello from an upload' }) } });`,
      manifest,
    );
    const code = await readFile(path.join(out, 'plugin.js'), 'utf8');

    expect((await member.api.post('/api/v1/plugins', { manifest, code })).status).toBe(403);
    const operator = await new ApiClient(server.url).post('/api/v1/auth/register', {
      email: 'operator@example.test',
      password: 'runs the instance',
      displayName: 'Operator',
    });
    const ops = new ApiClient(server.url, operator.body.token);
    expect((await ops.get('/api/v1/me')).body.instanceAdmin).toBe(true);
    expect((await member.api.get('/api/v1/me')).body.instanceAdmin).toBe(false);
    const invalid = await ops.post('/api/v1/plugins', { manifest: { ...manifest, id: 'Bad Id' }, code });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].path).toBe('manifest/id');
    expect(
      (await ops.post('/api/v1/plugins', { manifest: { ...manifest, id: 'echo-bot' }, code })).status,
    ).toBe(409);

    const uploaded = await ops.post('/api/v1/plugins', { manifest, code });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ id: 'hello', version: '1.0.0' });
    expect((await member.api.get('/api/v1/plugins')).body.items.map((p: { id: string }) => p.id)).toContain(
      'hello',
    );
    await admin.api.put(`/api/v1/workspaces/${workspaceId}/plugins/hello`, { enabled: true });
    expect((await command(member, '/hello')).body.text).toBe('hello from an upload');
  });

  it('uninstalls: commands go, the bot leaves, its KV data is removed', async () => {
    expect((await admin.api.delete(`/api/v1/workspaces/${workspaceId}/plugins/echo-bot`)).status).toBe(204);
    expect((await command(member, '/echo gone')).status).toBe(404);
    expect((await db.query(`SELECT count(*)::int AS n FROM plugin_kv`)).rows[0].n).toBe(0);
    const members = await admin.api.get(`/api/v1/workspaces/${workspaceId}/members`);
    expect(members.body.items.some((m: { displayName: string }) => m.displayName === 'Echo bot')).toBe(false);
    expect((await postMessage(member, channelId, 'teh end')).text).toBe('teh end');
  });
});
