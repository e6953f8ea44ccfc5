import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import type { Channel, Message } from '@jokkaer/sdk-plugin';
import {
  createTestHost,
  type TestFetchRequest,
  type TestHost,
  type TestHostOptions,
} from '@jokkaer/sdk-plugin/testing';
import { inQuietHours, parseWindow } from './quiet-hours';

const manifestPath = path.join(__dirname, 'plugin.json');
/** Friday 27 November 2026, 12:00 UTC. */
const START = Date.UTC(2026, 10, 27, 12, 0);
const HOUR = 3_600_000;
const person = (displayName: string, isBot = false) => ({ id: randomUUID(), displayName, isBot });
const alice = person('Alice');
const bob = person('Bøb');
const carol = person('Carol');
const robot = person('Robot', true);
const general = { id: randomUUID(), name: 'general', kind: 'public' } as Channel;
const PUSHOVER_TOKEN = 'a'.repeat(30);

let host: TestHost;
let requests: TestFetchRequest[];
let answer: (request: TestFetchRequest) => { status: number; body?: string };

async function start(options: Partial<TestHostOptions> = {}): Promise<TestHost> {
  requests = [];
  answer = () => ({ status: 200 });
  host = await createTestHost({
    entry: path.join(__dirname, 'index.ts'),
    manifest: manifestPath,
    startTime: START,
    users: [alice, bob, carol, robot],
    channels: [general],
    allowedHosts: ['push.example.org', 'gotify.example.org', 'hooks.example.org'],
    settings: { pushoverAppToken: PUSHOVER_TOKEN },
    fetch: (request) => {
      requests.push(request);
      return answer(request);
    },
    ...options,
  });
  return host;
}
afterEach(() => host?.dispose());

const notify = async (args: string, userId = bob.id) => {
  const result = await host.runCommand('/notify', { args, userId });
  if (!result.ok) throw new Error(result.message);
  expect(result.value).toMatchObject({ responseType: 'ephemeral' });
  return (result.value as { text: string }).text;
};
const mention = (overrides: Partial<Message> = {}) =>
  host.makeMessage({
    userId: alice.id,
    channelId: general.id,
    text: `<@${bob.id}> can you look?`,
    mentions: [bob.id],
    ...overrides,
  });
const deliver = async (message: Message) =>
  expect(await host.dispatchEvent('message.created', message)).toMatchObject({ ok: true });

describe('quiet hours', () => {
  const at = (iso: string) => new Date(iso).getTime();
  const night = { ...parseWindow('22:00-07:00')!, timeZone: 'Europe/Oslo' };

  it('spans midnight in the person’s own time zone', () => {
    expect(parseWindow('22:00-07:00')).toEqual({ from: 22 * 60, to: 7 * 60 });
    // Oslo is UTC+1 in winter: 21:30 UTC is 22:30 there, 05:59 UTC is 06:59.
    expect(inQuietHours(night, at('2026-11-27T21:30:00Z'))).toBe(true);
    expect(inQuietHours(night, at('2026-11-28T05:59:00Z'))).toBe(true);
    expect(inQuietHours(night, at('2026-11-28T06:00:00Z'))).toBe(false);
    expect(inQuietHours(night, at('2026-11-27T20:59:00Z'))).toBe(false);
    // The same instant is daytime in New York (16:30).
    expect(inQuietHours({ ...night, timeZone: 'America/New_York' }, at('2026-11-27T21:30:00Z'))).toBe(false);
    // And in summer, Oslo is UTC+2.
    expect(inQuietHours(night, at('2026-06-01T20:30:00Z'))).toBe(true);
  });

  it('also takes a window within one day, and refuses nonsense', () => {
    const lunch = { ...parseWindow('12:00-13:00')!, timeZone: 'UTC' };
    expect(inQuietHours(lunch, at('2026-11-27T12:30:00Z'))).toBe(true);
    expect(inQuietHours(lunch, at('2026-11-27T13:00:00Z'))).toBe(false);
    for (const bad of ['25:00-07:00', '22:00', '22:00-22:00', '10-11', '22:00-07:00-08:00'])
      expect(parseWindow(bad)).toBeUndefined();
  });
});

describe('/notify', () => {
  beforeEach(() => start());

  it('keeps each person’s services, masks secrets in status, and turns them off', async () => {
    expect(await notify('ntfy https://ntfy.sh/bob-secret-topic tk_abcdefghijkl')).toContain('Saved: ntfy');
    expect(await notify('gotify https://gotify.example.org AbCdEfGhIjKl')).toContain('Saved: Gotify');
    expect(await notify(`pushover ${'u'.repeat(30)}`)).toContain('Saved: Pushover');
    expect(
      await notify('webhook https://hooks.example.org/in/abc whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ='),
    ).toContain('Saved: webhook');
    const status = await notify('status');
    expect(status).toContain('ntfy: https://ntfy.sh/…');
    expect(status).toContain('Gotify: https://gotify.example.org (token AbCd…)');
    for (const secret of [
      'bob-secret-topic',
      'tk_abcdefghijkl',
      'AbCdEfGhIjKl',
      'u'.repeat(30),
      'c2VjcmV0',
      '/in/abc',
    ])
      expect(status).not.toContain(secret);
    // Alice has her own, empty, settings.
    expect(await notify('status', alice.id)).toContain('no notification service');

    expect(await notify('off gotify')).toBe('Stopped gotify.');
    expect(await notify('status')).not.toContain('Gotify');
    expect(await notify('off')).toBe('All your notifications are off.');
    expect(host.kv.has(`user:${bob.id}`)).toBe(false);
  });

  it('explains bad input and answers anything else with the usage', async () => {
    expect(await notify('ntfy ftp://ntfy.sh/x')).toContain('topic URL');
    expect(await notify('ntfy https://ntfy.sh')).toContain('topic URL');
    expect(await notify('gotify https://gotify.example.org')).toContain('application token');
    expect(await notify('pushover short')).toContain('30 letters');
    expect(await notify('webhook https://hooks.example.org/in short')).toContain('at least 16');
    expect(await notify('webhook https://hooks.example.org/in whsec_!!!')).toContain('whsec_');
    expect(await notify('quiet 25:00-07:00')).toContain('22:00-07:00');
    expect(await notify('quiet 22:00-07:00 Mars/Olympus')).toContain('Unknown time zone');
    expect(await notify('off fax')).toContain('ntfy, gotify, pushover, webhook');
    expect(await notify('')).toContain('/notify ntfy <topic-url>');
    expect(await notify('subscribe everything')).toContain('/notify ntfy <topic-url>');
    expect(host.kv.size).toBe(0);
  });

  it('offers Pushover only when the admin set an application token', async () => {
    host.dispose();
    await start({ settings: {} });
    expect(await notify(`pushover ${'u'.repeat(30)}`)).toContain('not available');
  });

  it('sends a test notification and reports each service', async () => {
    await notify('ntfy https://ntfy.sh/bob-topic');
    await notify('gotify https://gotify.example.org AbCdEfGhIjKl');
    answer = (request) =>
      request.url.startsWith('https://gotify') ? { status: 401, body: 'bad token' } : { status: 200 };
    const text = await notify('test');
    expect(text).toContain('✓ ntfy: sent');
    expect(text).toContain('✗ gotify: HTTP 401: bad token');
    expect(requests).toHaveLength(2);
    expect(await notify('status')).toMatch(/Gotify.*failed: HTTP 401/);
  });
});

describe('notifying on message.created', () => {
  beforeEach(() => start());

  it('posts a mention to ntfy with title, priority, tags, click link and token', async () => {
    host.dispose();
    await start({ settings: { linkTemplate: 'https://chat.example.org/{channelId}/{messageId}' } });
    await notify('ntfy https://push.example.org/bob tk_secret');
    const message = mention();
    await deliver(message);
    expect(requests).toEqual([
      {
        url: 'https://push.example.org/bob',
        method: 'POST',
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          title: 'Alice mentioned you in #general',
          priority: 'high',
          tags: 'bell',
          click: `https://chat.example.org/${general.id}/${message.id}`,
          authorization: 'Bearer tk_secret',
        },
        body: '@Bøb can you look?',
      },
    ]);
    expect(host.kv.get(`delivery:${bob.id}:ntfy`)?.value).toEqual({ at: START });
  });

  it('encodes a title that is not Latin-1 for ntfy (RFC 2047)', async () => {
    await notify('ntfy https://ntfy.sh/alice', alice.id);
    await deliver(mention({ userId: bob.id, text: `<@${alice.id}> 🔔`, mentions: [alice.id] }));
    const title = requests[0].headers.title;
    expect(title).toMatch(/^=\?UTF-8\?B\?.+\?=$/);
    expect(Buffer.from(title.slice(10, -2), 'base64').toString('utf8')).toBe('Bøb mentioned you in #general');
  });

  it('posts to Gotify as JSON with the app token in the query', async () => {
    await notify('gotify https://gotify.example.org/ A.b-C_d');
    await deliver(mention());
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      url: 'https://gotify.example.org/message?token=A.b-C_d',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(JSON.parse(requests[0].body!)).toEqual({
      title: 'Alice mentioned you in #general',
      message: '@Bøb can you look?',
      priority: 8,
    });
  });

  it('posts to the Pushover API as a form with the instance token and the person’s key', async () => {
    await notify(`pushover ${'u'.repeat(30)}`);
    await deliver(mention());
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      url: 'https://api.pushover.net/1/messages.json',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(Object.fromEntries(new URLSearchParams(requests[0].body))).toEqual({
      token: PUSHOVER_TOKEN,
      user: 'u'.repeat(30),
      title: 'Alice mentioned you in #general',
      message: '@Bøb can you look?',
    });
  });

  it('signs webhooks so that the standardwebhooks library verifies them, with whsec_ and raw secrets', async () => {
    host.dispose();
    await start({ startTime: Date.now() }); // the library checks the timestamp against real time
    const whsec = `whsec_${Buffer.from('a secret of some length').toString('base64')}`;
    await notify(`webhook https://hooks.example.org/bob ${whsec}`);
    await notify('webhook https://hooks.example.org/alice raw-secret-of-16+chars', alice.id);
    const message = mention({
      text: `<@${bob.id}> <@${alice.id}> ✓`,
      mentions: [bob.id, alice.id],
      userId: carol.id,
    });
    await deliver(message);
    expect(requests).toHaveLength(2);
    const toBob = requests.find((request) => request.url.endsWith('/bob'))!;
    const toAlice = requests.find((request) => request.url.endsWith('/alice'))!;
    const payload = new Webhook(whsec).verify(toBob.body!, toBob.headers) as { type: string; data: unknown };
    expect(payload).toMatchObject({
      type: 'notification.mention',
      data: {
        userId: bob.id,
        title: 'Carol mentioned you in #general',
        message: '@Bøb @Alice ✓',
        messageId: message.id,
        channelId: general.id,
        authorId: carol.id,
      },
    });
    expect(toBob.headers['webhook-id']).toBe(`${message.id}_${bob.id}`);
    expect(() =>
      new Webhook('raw-secret-of-16+chars', { format: 'raw' }).verify(toAlice.body!, toAlice.headers),
    ).not.toThrow();
    expect(() => new Webhook(whsec).verify(toBob.body!.replace('Carol', 'Mallory'), toBob.headers)).toThrow();
  });

  it('notifies only offline people: never the online, the away only when the admin says so', async () => {
    await notify('ntfy https://ntfy.sh/bob');
    await notify('ntfy https://ntfy.sh/carol', carol.id);
    host.setPresence(bob.id, 'online');
    host.setPresence(carol.id, 'away');
    await deliver(mention({ text: 'hi', mentions: [bob.id, carol.id] }));
    expect(requests).toEqual([]);
    host.setPresence(bob.id, 'offline');
    await deliver(mention({ text: 'hi again', mentions: [bob.id, carol.id] }));
    expect(requests.map((request) => request.url)).toEqual(['https://ntfy.sh/bob']);

    host.dispose();
    await start({ settings: { notifyWhenAway: true }, presence: { [carol.id]: 'away' } });
    await notify('ntfy https://ntfy.sh/carol', carol.id);
    await deliver(mention({ text: 'hi', mentions: [carol.id] }));
    expect(requests.map((request) => request.url)).toEqual(['https://ntfy.sh/carol']);
  });

  it('notifies the other members of a direct conversation, never its author nor a bot', async () => {
    const dm = {
      id: randomUUID(),
      kind: 'dm',
      name: null,
      memberIds: [alice.id, bob.id, robot.id],
    } as unknown as Channel;
    host.dispose();
    await start({ channels: [dm] });
    await notify('ntfy https://ntfy.sh/bob');
    await notify('ntfy https://ntfy.sh/alice', alice.id);
    await notify('ntfy https://ntfy.sh/robot', robot.id);
    await deliver(host.makeMessage({ userId: alice.id, channelId: dm.id, text: 'lunch?' }));
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      url: 'https://ntfy.sh/bob',
      headers: { title: 'Message from Alice', tags: 'speech_balloon' },
      body: 'lunch?',
    });
  });

  it('leaves the text out when the admin says so', async () => {
    host.dispose();
    await start({ settings: { includeText: false } });
    await notify('ntfy https://ntfy.sh/bob');
    await deliver(mention());
    expect(requests[0].body).toBe('Open Jōkkær to read it.');
  });

  it('never notifies twice for the same message, however often it is delivered', async () => {
    await notify('ntfy https://ntfy.sh/bob');
    const message = mention();
    await deliver(message);
    await deliver(message);
    await Promise.all([deliver(message), deliver(message)]);
    expect(requests).toHaveLength(1);
    expect(host.kv.get(`sent:${message.id}:${bob.id}`)?.expiresAt).toBe(START + 7 * 24 * HOUR);
  });

  it('keeps to the hourly limit per person, and starts again the next hour', async () => {
    host.dispose();
    await start({ settings: { rateLimitPerHour: 3 } });
    await notify('ntfy https://ntfy.sh/bob');
    await notify('ntfy https://ntfy.sh/carol', carol.id);
    for (let i = 0; i < 5; i++) await deliver(mention({ text: `ping ${i}`, mentions: [bob.id, carol.id] }));
    expect(requests.filter((request) => request.url.endsWith('/bob'))).toHaveLength(3);
    expect(requests.filter((request) => request.url.endsWith('/carol'))).toHaveLength(3);
    expect(host.logs.filter((log) => log.message === 'notification over the hourly limit')).toHaveLength(4);
    host.advanceTime(HOUR);
    await deliver(mention({ text: 'later' }));
    expect(requests.at(-1)).toMatchObject({ url: 'https://ntfy.sh/bob', body: 'later' });
  });

  it('keeps quiet during the person’s quiet hours, else the admin’s default', async () => {
    await notify('ntfy https://ntfy.sh/bob');
    await notify('ntfy https://ntfy.sh/carol', carol.id);
    // 12:00 UTC is 21:00 in Tokyo: quiet there, not for Carol, who keeps the default (none).
    expect(await notify('quiet 20:00-08:00 Asia/Tokyo')).toBe('Quiet hours: 20:00-08:00 Asia/Tokyo.');
    await deliver(mention({ text: 'now', mentions: [bob.id, carol.id] }));
    expect(requests.map((request) => request.url)).toEqual(['https://ntfy.sh/carol']);
    host.advanceTime(12 * HOUR); // 09:00 in Tokyo
    await deliver(mention({ text: 'morning' }));
    expect(requests.at(-1)).toMatchObject({ url: 'https://ntfy.sh/bob', body: 'morning' });

    host.dispose();
    await start({ settings: { quietHours: '11:00-13:00', timezone: 'UTC' } });
    await notify('ntfy https://ntfy.sh/bob');
    await notify('ntfy https://ntfy.sh/carol', carol.id);
    expect(await notify('quiet off', carol.id)).toBe('Quiet hours: none.');
    await deliver(mention({ text: 'noon', mentions: [bob.id, carol.id] }));
    expect(requests.map((request) => request.url)).toEqual(['https://ntfy.sh/carol']);
  });

  it('logs a failed delivery without failing the event, and still sends to the other services', async () => {
    await notify('ntfy https://ntfy.sh/bob');
    await notify('webhook https://hooks.example.org/bob raw-secret-of-16+chars');
    answer = (request) => {
      if (request.url.includes('hooks')) throw new Error('connect ECONNREFUSED');
      return { status: 200 };
    };
    await deliver(mention());
    expect(requests).toHaveLength(2);
    expect(host.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'notification not delivered',
        fields: expect.objectContaining({
          service: 'webhook',
          error: expect.stringContaining('ECONNREFUSED'),
        }),
      }),
    );
    expect(await notify('status')).toMatch(/webhook.*failed: .*ECONNREFUSED/);
  });

  it('refuses a self-hosted server the admin did not allow', async () => {
    await notify('ntfy https://ntfy.elsewhere.example/bob');
    await deliver(mention());
    expect(requests).toEqual([]);
    expect(host.logs.at(-1)?.fields).toMatchObject({ error: expect.stringContaining('not an allowed host') });
  });

  it('ignores messages that address nobody who set up notifications, without asking for presence', async () => {
    await deliver(mention());
    await deliver(host.makeMessage({ channelId: general.id, text: 'hello all' }));
    expect(host.calls.map((call) => call.method)).not.toContain('users.presence');
  });
});

describe('settings', () => {
  it('refuses settings that fail the schema', async () => {
    await expect(start({ settings: { rateLimitPerHour: 0 } })).rejects.toThrow('rateLimitPerHour');
    await expect(start({ settings: { pushoverAppToken: 'short' } })).rejects.toThrow('pushoverAppToken');
    await expect(start({ settings: { quietHours: '22-7' } })).rejects.toThrow('quietHours');
    await expect(start({ settings: { colour: 'red' } })).rejects.toThrow('colour');
  });

  it('fills in the defaults', async () => {
    await start({ settings: {} });
    expect(host.settings).toEqual({
      rateLimitPerHour: 20,
      notifyWhenAway: false,
      includeText: true,
      timezone: 'UTC',
    });
  });
});

describe('ctx.users.presence in the harness', () => {
  const CODE = `globalThis.__jokkaerPlugin = { commands: { who: async (input, ctx) =>
    ({ text: JSON.stringify(await ctx.users.presence(input.args.split(' '))) }) } };`;
  const manifest = (users?: object) => ({
    id: 'who',
    name: 'Who',
    version: '1.0.0',
    sdkVersion: '^0.1.0',
    permissions: { ...(users ? { users } : {}), commands: [{ command: 'who', description: 'who' }] },
  });

  it('answers members only, offline unless set, and needs users.presence', async () => {
    host = await createTestHost({
      code: CODE,
      manifest: manifest({ presence: true }),
      users: [alice, bob],
      presence: { [alice.id]: 'away' },
    });
    host.setPresence(bob.id, 'online');
    const result = await host.runCommand('/who', { args: `${alice.id} ${bob.id} ${carol.id}` });
    expect(JSON.parse((result as { value: { text: string } }).value.text)).toEqual([
      { userId: alice.id, status: 'away' },
      { userId: bob.id, status: 'online' },
    ]);
    host.dispose();
    host = await createTestHost({ code: CODE, manifest: manifest(), users: [alice] });
    expect((await host.runCommand('/who', { args: alice.id })).ok).toBe(false);
    expect(host.calls[0].error).toContain('users.presence');
  });
});
