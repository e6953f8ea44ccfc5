import { createServer, Server } from 'node:http';
import { buildTestPlugin } from '../fixtures/plugin-build';
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
 * The first-party task manager (plugins/tasks, built by the test setup into the catalogue) installed and
 * configured by a workspace admin through the API; and `ctx.messages.get`, which it needs, kept to what the
 * install's bot may read.
 */
let server: TestServer;
let receiver: Server;
let receiverUrl: string;
const synced: { method?: string; url?: string; authorization?: string; body: any }[] = [];
let admin: TestUser;
let member: TestUser;
let workspaceId: string;
let channelId: string;
/** A due date in January of next year: always ahead of now, and in Oslo's winter time (UTC+1). */
const dueYear = new Date().getUTCFullYear() + 1;
const dueLocal = `${dueYear}-01-15 14:00`;
const dueUtc = `${dueYear}-01-15T13:00:00.000Z`;

/** Reads a message by id as its bot; one manifest grants messages.read, the other does not. */
const PEEK = `
import { definePlugin } from '@jokkaer/sdk-plugin';
const peek = async ({ args }: { args: string }, ctx: any) => {
  const message = await ctx.messages.get(args.trim());
  return { text: message ? 'saw: ' + message.text : 'nothing' };
};
export default definePlugin({ commands: { peek, peekblind: peek } });`;

/** The probe plugin with the given messages permission. */
const buildPeek = (id: string, command: string, messages?: object) =>
  buildTestPlugin(PEEK, {
    id,
    permissions: {
      ...(messages ? { messages } : {}),
      commands: [{ command, description: 'Reads a message' }],
    },
  });

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      synced.push({
        method: request.method,
        url: request.url,
        authorization: request.headers.authorization,
        body: JSON.parse(body),
      });
      response.statusCode = 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/sync`;
  server = await startTestServer({
    pluginDirs: [
      await buildPeek('peek', 'peek', { read: true }),
      await buildPeek('peek-blind', 'peekblind', { write: true }),
    ],
    egressAllowNetworks: ['127.0.0.0/8'],
  });
  admin = await registerUser(server.url, 'Admin');
  member = await registerUser(server.url, 'Member');
  workspaceId = (await createWorkspace(admin)).id;
  await addToWorkspace(admin, workspaceId, member);
  channelId = (await createChannel(admin, workspaceId, 'public', 'planning')).id;
  await member.api.post(`/api/v1/channels/${channelId}/join`);
}, 120_000);
afterAll(async () => {
  await server.close();
  receiver.close();
});

const command = (user: TestUser, text: string, channel = channelId) =>
  user.api.post(`/api/v1/channels/${channel}/commands`, { text });
const url = () => `/api/v1/workspaces/${workspaceId}/plugins/tasks`;

describe('the tasks plugin on a real server', () => {
  it('is in the catalogue, and refuses settings that fail its schema, naming each field', async () => {
    const catalogue = (await member.api.get('/api/v1/plugins')).body.items;
    expect(catalogue.find((p: { id: string }) => p.id === 'tasks')).toMatchObject({
      permissions: { events: ['reaction.added'], messages: { write: true, read: true } },
    });
    expect((await member.api.put(url(), { enabled: true })).status).toBe(403);
    const invalid = await admin.api.put(url(), {
      enabled: true,
      settings: { reminderLeadMinutes: -1, syncUrl: 'not a url', colour: 'red' },
    });
    expect(invalid.status).toBe(400);
    // syncUrl fails twice: it is not a URI, nor http(s).
    expect([...new Set(invalid.body.errors.map((e: { path: string }) => e.path))].sort()).toEqual([
      'settings/colour',
      'settings/reminderLeadMinutes',
      'settings/syncUrl',
    ]);
  });

  it('is installed and configured by an admin, adds tasks through /task and syncs them', async () => {
    const installed = await admin.api.put(url(), {
      enabled: true,
      settings: { timezone: 'Europe/Oslo', syncUrl: receiverUrl, syncToken: 's3cret' },
      allowedHosts: ['127.0.0.1'],
    });
    expect(installed.status).toBe(200);
    expect(installed.body).toMatchObject({
      settings: {
        timezone: 'Europe/Oslo',
        reactionEmoji: '✅',
        reminderLeadMinutes: 0,
        syncUrl: receiverUrl,
      },
    });
    expect(JSON.stringify(installed.body)).not.toContain('s3cret');

    expect((await command(member, '/help')).body.text).toContain('/task add <text>');
    const added = await command(member, `/task add Buy milk <@${member.id}> ${dueLocal}`);
    expect(added.body).toEqual({
      responseType: 'in_channel',
      text: `📝 <@${member.id}> added #1 Buy milk → <@${member.id}> · due ${dueLocal} (Europe/Oslo)`,
    });
    const posted = (await member.api.get(`/api/v1/channels/${channelId}/messages`)).body.items;
    expect(posted[0]).toMatchObject({ userId: installed.body.botUserId, mentions: [member.id] });
    expect(synced).toEqual([
      {
        method: 'PUT',
        url: `/sync/${channelId}/1`,
        authorization: 'Bearer s3cret',
        body: expect.objectContaining({ event: 'added', number: 1, dueAt: dueUtc }),
      },
    ]);
  });

  it('turns a message into a task when someone reacts with ✅', async () => {
    const message = await postMessage(admin, channelId, 'Order the new badges');
    const reacted = await member.api.post(`/api/v1/messages/${message.id}/reactions`, { emoji: '✅' });
    expect(reacted.status).toBeLessThan(300);
    const list = await eventually(
      async () => {
        const text = (await command(member, '/task list')).body.text as string;
        return text.includes('Order the new badges') ? text : undefined;
      },
      'the reaction to become a task',
      15_000,
    );
    expect(list).toBe(
      [
        'Open tasks in this channel:',
        `#1 Buy milk → <@${member.id}> · due ${dueLocal} (Europe/Oslo)`,
        '#2 Order the new badges',
      ].join('\n'),
    );
    // The plugin stores the task, then answers in the thread, then syncs: wait for each in turn.
    const reply = `📝 <@${member.id}> turned this message into task #2.`;
    await eventually(async () => {
      const replies = (await member.api.get(`/api/v1/messages/${message.id}/replies`)).body.items;
      return replies.some((m: { text: string }) => m.text === reply) || undefined;
    }, 'the plugin to answer in the thread');
    await eventually(
      () => Promise.resolve(synced.at(-1)?.body?.number === 2 || undefined),
      'the sync of task #2',
    );
    expect(synced.at(-1)?.body).toMatchObject({ event: 'added', number: 2, sourceMessageId: message.id });
  });

  it('completes tasks in the channel and answers unknown subcommands with the usage', async () => {
    expect((await command(admin, '/task done 2')).body).toEqual({
      responseType: 'in_channel',
      text: `✅ <@${admin.id}> completed #2: Order the new badges`,
    });
    const unknown = await command(member, '/task frobnicate');
    expect(unknown.status).toBe(200);
    expect(unknown.body.responseType).toBe('ephemeral');
    expect(unknown.body.text).toContain('There is no `/task frobnicate`');
    expect(unknown.body.text).toContain('/task assign <n> @person');
  });

  it('takes as reactionEmoji only what a reaction can be: a shortcode or a single emoji', async () => {
    for (const reactionEmoji of ['two words', '✅✅', '!!!', ':tada', 'Tada', 'x'.repeat(65), ' ✅']) {
      const refused = await admin.api.put(url(), { enabled: true, settings: { reactionEmoji } });
      expect({ reactionEmoji, status: refused.status }).toEqual({ reactionEmoji, status: 400 });
      expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(['settings/reactionEmoji']);
    }
    for (const reactionEmoji of [':white_check_mark:', 'white_check_mark', '👍🏽', '✅']) {
      const accepted = await admin.api.put(url(), { enabled: true, settings: { reactionEmoji } });
      expect({ reactionEmoji, status: accepted.status }).toEqual({ reactionEmoji, status: 200 });
      expect(accepted.body.settings.reactionEmoji).toBe(reactionEmoji);
    }
  });
});

describe('ctx.messages.get', () => {
  it('reads only what the bot may read, and only with messages.read', async () => {
    const peek = await admin.api.put(`/api/v1/workspaces/${workspaceId}/plugins/peek`, { enabled: true });
    await admin.api.put(`/api/v1/workspaces/${workspaceId}/plugins/peek-blind`, { enabled: true });
    const open = await postMessage(admin, channelId, 'in the open');
    const secret = await createChannel(admin, workspaceId, 'private');
    const hidden = await postMessage(admin, secret.id, 'behind closed doors');

    expect((await command(admin, `/peek ${open.id}`)).body.text).toBe('saw: in the open');
    expect((await command(admin, `/peek ${hidden.id}`, secret.id)).body.text).toBe('nothing');
    await admin.api.post(`/api/v1/channels/${secret.id}/members`, { userId: peek.body.botUserId });
    expect((await command(admin, `/peek ${hidden.id}`, secret.id)).body.text).toBe(
      'saw: behind closed doors',
    );

    expect((await command(admin, `/peekblind ${open.id}`)).body.text).toMatch(
      /^\/peekblind failed: .*does not grant messages\.read/,
    );
  });
});
