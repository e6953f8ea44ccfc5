import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PluginManifest } from './manifest';
import { createTestHost, TestFetchRequest, TestHost, TestHostOptions } from './testing';

const ECHO_BOT = path.resolve(__dirname, '../../fixtures/plugins/echo-bot');
const entry = path.join(ECHO_BOT, 'index.ts');
const echoManifest = (): PluginManifest =>
  JSON.parse(readFileSync(path.join(ECHO_BOT, 'plugin.json'), 'utf8')) as PluginManifest;

/** A plugin as a bundle would define it, for the harness's own rules. */
const script = (definition: string) => `globalThis.__jokkaerPlugin = (function () { ${definition} })();`;
const manifest = (permissions: PluginManifest['permissions'], extra: Partial<PluginManifest> = {}) => ({
  id: 'test-plugin',
  name: 'Test plugin',
  version: '0.0.1',
  sdkVersion: '^0.1.0',
  permissions,
  ...extra,
});

describe('createTestHost', () => {
  const hosts: TestHost[] = [];
  afterEach(() => hosts.splice(0).forEach((host) => host.dispose()));
  const start = async (options: TestHostOptions) => {
    const host = await createTestHost(options);
    hosts.push(host);
    return host;
  };
  const echoBot = (options: Partial<TestHostOptions> = {}) =>
    start({ entry, manifest: path.join(ECHO_BOT, 'plugin.json'), ...options });

  describe('the echo bot', () => {
    it('answers ping with pong in the thread, as its bot user, and ignores other messages', async () => {
      const host = await echoBot();
      const root = host.makeMessage({ text: 'ping?' });
      expect(await host.dispatchEvent('message.created', root)).toMatchObject({ ok: true });
      expect(host.posted).toEqual([
        expect.objectContaining({
          text: 'pong',
          channelId: host.channelId,
          threadId: root.id,
          userId: host.botUserId,
          workspaceId: host.workspaceId,
        }),
      ]);
      // A ping inside a thread is answered in that same thread.
      await host.dispatchEvent('message.created', host.makeMessage({ text: 'PING', threadId: root.id }));
      expect(host.posted[1]).toMatchObject({ text: 'pong', threadId: root.id });
      await host.dispatchEvent('message.created', host.makeMessage({ text: 'pinging nobody' }));
      expect(host.posted).toHaveLength(2);
    });

    it('echoes ephemerally and counts invocations in KV', async () => {
      const host = await echoBot();
      expect(await host.runCommand('/echo', { args: 'hello there' })).toMatchObject({
        ok: true,
        value: { responseType: 'ephemeral', text: 'hello there' },
      });
      await host.runCommand('echo', { args: 'again' });
      expect(host.kv.get('count')).toEqual({ value: 2, version: 2, expiresAt: null });
    });

    it('asks the weather of a listed host, with its secret setting, and answers in the channel', async () => {
      const requests: TestFetchRequest[] = [];
      const host = await echoBot({
        settings: { weatherUrl: 'http://127.0.0.1:8123/', weatherApiKey: 's3cret' },
        fetch: (request) => {
          requests.push(request);
          return { body: { temperatureC: 21, conditions: 'sunny' } };
        },
      });
      expect(await host.runCommand('/weather', { args: 'Le Havre' })).toMatchObject({
        ok: true,
        value: { responseType: 'in_channel', text: 'Weather in Le Havre: 21 °C, sunny' },
      });
      expect(requests).toEqual([
        {
          url: 'http://127.0.0.1:8123/weather?city=Le%20Havre',
          method: 'GET',
          headers: { authorization: 'Bearer s3cret' },
          body: undefined,
        },
      ]);
    });

    it('is refused a host its manifest does not list, and the test fetch is never reached', async () => {
      const fetch = jest.fn(() => ({ body: '{}' }));
      const host = await echoBot({ settings: { weatherUrl: 'https://weather.example.com' }, fetch });
      expect(await host.runCommand('/weather', { args: 'Oslo' })).toMatchObject({
        ok: true,
        value: { responseType: 'ephemeral', text: 'The weather service cannot be reached.' },
      });
      expect(fetch).not.toHaveBeenCalled();
      expect(host.calls).toEqual([
        expect.objectContaining({
          method: 'http.fetch',
          error: 'http.fetch: weather.example.com is not an allowed host (permissions.http.hosts)',
        }),
      ]);
      expect(host.logs).toEqual([
        expect.objectContaining({ level: 'error', message: 'weather service unreachable' }),
      ]);
    });

    it('reaches a host the install allows besides the manifest, and refuses answers over 1 MiB', async () => {
      let body: unknown = { temperatureC: 3, conditions: 'snow' };
      const host = await echoBot({
        settings: { weatherUrl: 'https://weather.example.com' },
        allowedHosts: ['*.example.com'],
        fetch: () => ({ body }),
      });
      expect(await host.runCommand('/weather', { args: 'Oslo' })).toMatchObject({
        value: { text: 'Weather in Oslo: 3 °C, snow' },
      });
      body = 'x'.repeat(1024 * 1024 + 1);
      expect(await host.runCommand('/weather', { args: 'Oslo' })).toMatchObject({
        value: { text: 'The weather service cannot be reached.' },
      });
      expect(host.calls[1].error).toBe('http.fetch: fetch refused: response larger than 1048576 bytes');
    });

    it('adds no host to a plugin whose manifest does not ask for http', async () => {
      const host = await start({
        code: script(`return { commands: { get: async (_, ctx) => {
          try { await ctx.http.fetch('https://api.example.com/'); return { text: 'fetched' }; }
          catch (e) { return { text: e.message }; }
        } } };`),
        manifest: manifest({ commands: [{ command: 'get', description: 'get' }] }),
        allowedHosts: ['api.example.com'],
        fetch: () => ({ body: 'ok' }),
      });
      expect(await host.runCommand('/get')).toMatchObject({
        value: { text: expect.stringContaining('api.example.com is not an allowed host') },
      });
    });

    it('answers ctx.now() with the host clock, which advanceTime moves', async () => {
      const host = await start({
        code: script(`return { commands: { now: async (_, ctx) => ({ text: String(await ctx.now()) }) } };`),
        manifest: manifest({ commands: [{ command: 'now', description: 'now' }] }),
        startTime: new Date('2030-01-01T00:00:00Z'),
      });
      expect(await host.runCommand('/now')).toMatchObject({ value: { text: String(Date.UTC(2030, 0, 1)) } });
      host.advanceTime(90_000);
      expect(await host.runCommand('/now')).toMatchObject({
        value: { text: String(Date.UTC(2030, 0, 1, 0, 1, 30)) },
      });
    });

    it('decides on messages before they are posted: allow, reject with a reason, or rewrite', async () => {
      const host = await echoBot();
      expect(await host.runHook('messageWillBePosted', { text: 'hello' })).toMatchObject({
        ok: true,
        value: { action: 'allow' },
      });
      expect(await host.runHook('messageWillBePosted', { text: 'this is Forbidden' })).toMatchObject({
        ok: true,
        value: { action: 'reject', reason: 'Your message contains a forbidden word.' },
      });
      expect(
        await host.runHook('messageWillBePosted', { text: 'Teh cat ate teh TEH, not tehran' }),
      ).toMatchObject({ ok: true, value: { action: 'rewrite', text: 'The cat ate the THE, not tehran' } });
    });

    it('has KV refused beyond its quota, a host-side failure that does not count against the plugin', async () => {
      const host = await echoBot();
      // 4094 characters are 4096 bytes of JSON: the whole 4096-byte quota, so the count no longer fits.
      host.kv.set('filler', { value: 'x'.repeat(4094), version: 1, expiresAt: null });
      const result = await host.runCommand('/echo', { args: 'hi' });
      expect(result).toMatchObject({
        ok: false,
        code: 'host',
        message: expect.stringContaining('KV quota'),
      });
      expect(host.kv.has('count')).toBe(false);
      host.kv.set('filler', { value: 'x'.repeat(4093), version: 1, expiresAt: null });
      expect(await host.runCommand('/echo', { args: 'hi' })).toMatchObject({ ok: true });
    });
  });

  describe('permissions, as the server grants them', () => {
    it('routes only the commands, events and hooks the manifest declares', async () => {
      const declared = echoManifest();
      declared.permissions.commands = declared.permissions.commands!.filter((c) => c.command === 'echo');
      delete declared.permissions.hooks;
      declared.permissions.events = [];
      const host = await echoBot({ manifest: declared });
      // The bundle has handlers for all of these; the manifest does not declare them.
      for (const result of [
        await host.runCommand('/weather', { args: 'Oslo' }),
        await host.runCommand('/nope'),
        await host.runHook('messageWillBePosted', { text: 'forbidden' }),
        await host.dispatchEvent('message.created', host.makeMessage({ text: 'ping' })),
        await host.runSchedule('nightly'),
      ]) {
        expect(result).toMatchObject({ ok: false, code: 'missing' });
      }
      expect(host.posted).toEqual([]);
      expect(await host.runCommand('/echo', { args: 'x' })).toMatchObject({ ok: true });
    });

    it('refuses posting without messages.write, and KV without kv', async () => {
      const declared = echoManifest();
      delete declared.permissions.messages;
      delete declared.permissions.kv;
      const host = await echoBot({ manifest: declared });
      expect(await host.dispatchEvent('message.created', host.makeMessage({ text: 'ping' }))).toMatchObject({
        ok: false,
        code: 'error',
        message: expect.stringContaining('does not grant messages.write'),
      });
      expect(await host.runCommand('/echo', { args: 'x' })).toMatchObject({
        ok: false,
        code: 'error',
        message: expect.stringContaining('does not grant kv'),
      });
      expect(host.posted).toEqual([]);
      expect(host.kv.size).toBe(0);
    });

    it('refuses a manifest, settings or an event payload the server would refuse', async () => {
      await expect(echoBot({ manifest: { ...echoManifest(), id: 'Echo Bot' } })).rejects.toThrow(
        'invalid manifest:\n  id: must be 2–63 lowercase letters',
      );
      await expect(echoBot({ settings: { weatherUrl: 42, colour: 'red' } })).rejects.toThrow(
        /colour: is not a known field\n {2}weatherUrl: must be string/,
      );
      const host = await echoBot();
      await expect(
        host.dispatchEvent('message.created', { ...host.makeMessage(), id: 'not-a-uuid' }),
      ).rejects.toThrow('/id must match format "uuid"');
      await expect(
        host.dispatchEvent('message.created', { ...host.makeMessage(), workspaceId: host.botUserId }),
      ).rejects.toThrow('another workspace');
    });
  });

  describe('KV', () => {
    const kvPlugin = script(`return { commands: {
      run: async (inv, ctx) => {
        const steps = JSON.parse(inv.args);
        const results = [];
        for (const [op, ...args] of steps) {
          try { results.push(await ctx.kv[op](...args)); } catch (e) { results.push('error: ' + e.message); }
        }
        return { text: JSON.stringify(results) };
      },
    } };`);
    const kvHost = (quotaBytes = 1000) =>
      start({
        code: kvPlugin,
        manifest: manifest({
          kv: { quotaBytes },
          commands: [{ command: 'run', description: 'Runs KV steps' }],
        }),
        startTime: Date.parse('2030-01-01T00:00:00Z'),
      });
    const run = async (host: TestHost, steps: unknown[][]) => {
      const result = await host.runCommand('/run', { args: JSON.stringify(steps) });
      if (!result.ok) throw new Error(result.message);
      return JSON.parse((result.value as { text: string }).text) as unknown[];
    };

    it('compares and sets: ifVersion must be the current version, null only while the key is absent', async () => {
      const host = await kvHost();
      expect(
        await run(host, [
          ['set', 'k', 'first', { ifVersion: null }],
          ['set', 'k', 'again', { ifVersion: null }],
          ['set', 'k', 'second', { ifVersion: 1 }],
          ['set', 'k', 'stale', { ifVersion: 1 }],
          ['get', 'k'],
          ['set', 'k', 'unconditional'],
          ['delete', 'k'],
          ['delete', 'k'],
          ['set', 'k', 'fresh', { ifVersion: 3 }],
          ['set', 'k', 'fresh', { ifVersion: null }],
        ]),
      ).toEqual([
        { version: 1 },
        null,
        { version: 2 },
        null,
        'second',
        { version: 3 },
        true,
        false,
        null,
        { version: 1 },
      ]);
    });

    it('expires keys after their TTL on the host clock', async () => {
      const host = await kvHost();
      expect(
        await run(host, [
          ['set', 'session:1', { user: 'ada' }, { ttlSeconds: 60 }],
          ['set', 'session:2', 'kept'],
        ]),
      ).toEqual([{ version: 1 }, { version: 1 }]);
      expect(host.kv.get('session:1')?.expiresAt).toBe(host.now() + 60_000);
      host.advanceTime(59_999);
      expect(
        await run(host, [
          ['get', 'session:1'],
          ['list', 'session:'],
        ]),
      ).toEqual([{ user: 'ada' }, ['session:1', 'session:2']]);
      host.advanceTime(1);
      expect(host.kv.has('session:1')).toBe(false);
      expect(
        await run(host, [
          ['get', 'session:1'],
          ['list', 'session:'],
          ['set', 'session:1', 'new', { ifVersion: null }],
        ]),
      ).toEqual([null, ['session:2'], { version: 1 }]);
    });

    it('counts the quota over live values, a replaced value once, and refuses what does not fit', async () => {
      const host = await kvHost(100);
      expect(
        await run(host, [
          ['set', 'a', 'x'.repeat(48)], // 50 bytes of JSON
          ['set', 'a', 'y'.repeat(48)], // replaces them
          ['set', 'b', 'z'.repeat(48)], // 100 bytes in all: the quota, exactly
          ['set', 'c', 1],
          ['set', 'bad key!', 1],
          ['set', 'd', 1, { ttl: 5 }],
        ]),
      ).toEqual([
        { version: 1 },
        { version: 2 },
        { version: 1 },
        'error: kv.set: KV quota exceeded: "c" takes 1 bytes and 100 of the 100 allowed (permissions.kv.quotaBytes) are in use',
        'error: kv.set: key must be 1–256 letters, digits and . : / - _',
        'error: kv.set: options has unknown field ttl',
      ]);
      await run(host, [['set', 'b', 'short', { ttlSeconds: 1 }]]);
      host.advanceTime(1000);
      expect(await run(host, [['set', 'c', 'x'.repeat(48)]])).toEqual([{ version: 1 }]);
    });

    it('refuses text the server cannot store (NUL, unpaired surrogates), naming where it is, as the server does', async () => {
      const host = await kvHost();
      const refused = 'must not contain NUL characters or unpaired UTF-16 surrogates';
      expect(
        await run(host, [
          ['set', 'k', 'a\u0000b'],
          ['set', 'k', { title: ['ok', 'x\ud800'] }],
          ['set', 'k', 'kept'],
          ['get', 'k'],
        ]),
      ).toEqual([
        `error: kv.set: value ${refused}`,
        `error: kv.set: value/title/1 ${refused}`,
        { version: 1 },
        'kept',
      ]);
      expect(host.calls[0]).toMatchObject({ method: 'kv.set', error: `kv.set: value ${refused}` });
    });
  });

  describe('handlers and limits', () => {
    it('runs declared schedules, and treats an answer the server would not accept as an error', async () => {
      const host = await start({
        code: script(`return {
          schedules: { nightly: async (ctx) => { await ctx.messages.post({ channelId: ctx.settings.channel, text: 'good night' }); } },
          commands: { odd: () => ({ txt: 'typo' }) },
          hooks: { messageWillBePosted: () => ({ action: 'maybe' }) },
        };`),
        manifest: manifest(
          {
            messages: { write: true },
            schedules: [{ name: 'nightly', cron: '0 22 * * *' }],
            commands: [{ command: 'odd', description: 'Answers oddly' }],
            hooks: ['messageWillBePosted'],
          },
          { settingsSchema: { type: 'object', properties: { channel: { type: 'string', default: 'c1' } } } },
        ),
      });
      expect(await host.runSchedule('nightly')).toMatchObject({ ok: true });
      expect(host.posted).toEqual([expect.objectContaining({ channelId: 'c1', text: 'good night' })]);
      expect(await host.runCommand('/odd')).toMatchObject({
        ok: false,
        code: 'error',
        message: expect.stringContaining('has unknown field txt'),
      });
      expect(await host.runHook('messageWillBePosted', { text: 'hi' })).toMatchObject({
        ok: false,
        code: 'error',
        message: expect.stringContaining('action must be'),
      });
    });

    it('reads seeded, made and posted messages with messages.read, null for others, nothing without it', async () => {
      const code = script(`return { commands: {
        peek: async ({ args }, ctx) => { const m = await ctx.messages.get(args); return { text: m ? m.text : 'none' }; },
        post: async ({ args }, ctx) => ({ text: (await ctx.messages.post({ channelId: 'c1', text: args })).id }),
      } };`);
      const commands = [
        { command: 'peek', description: 'Reads a message' },
        { command: 'post', description: 'Posts a message' },
      ];
      const seeded = {
        id: '00000000-0000-4000-8000-000000000001',
        workspaceId: '00000000-0000-4000-8000-000000000002',
        channelId: '00000000-0000-4000-8000-000000000003',
        userId: '00000000-0000-4000-8000-000000000004',
        text: 'seeded',
        threadId: null,
        replyCount: 0,
        reactions: [],
        files: [],
        mentions: [],
        clientMsgId: null,
        createdAt: new Date(0).toISOString(),
        editedAt: null,
      };
      const host = await start({
        code,
        manifest: manifest({ messages: { write: true, read: true }, commands }),
        messages: [seeded],
      });
      const peek = async (id: string) => ((await host.runCommand('/peek', { args: id })) as any).value.text;
      expect(await peek(seeded.id)).toBe('seeded');
      expect(await peek(host.makeMessage({ text: 'made' }).id)).toBe('made');
      expect(await peek(((await host.runCommand('/post', { args: 'mine' })) as any).value.text)).toBe('mine');
      expect(await peek(seeded.workspaceId)).toBe('none');

      const blind = await start({ code, manifest: manifest({ messages: { write: true }, commands }) });
      expect(await blind.runCommand('/peek', { args: blind.makeMessage().id })).toMatchObject({
        ok: false,
        message: expect.stringContaining('does not grant messages.read'),
      });
    });

    it('reads made files with files.read up to maxBytes, null for others, and sends bodyBase64 as bytes', async () => {
      const code = script(`return { commands: {
        peek: async ({ args }, ctx) => {
          const file = await ctx.files.get(args);
          return { text: file ? [file.name, file.size, file.contentType, file.contentBase64].join(' ') : 'none' };
        },
        copy: async ({ args }, ctx) => {
          const file = await ctx.files.get(args);
          const answer = await ctx.http.fetch('https://store.example.com/x', { method: 'PUT', bodyBase64: file.contentBase64 });
          return { text: String(answer.status) };
        },
        both: async (_, ctx) => { await ctx.http.fetch('https://store.example.com/x', { body: 'a', bodyBase64: 'YQ==' }); return { text: '' }; },
      } };`);
      const commands = ['peek', 'copy', 'both'].map((command) => ({ command, description: command }));
      const sent: TestFetchRequest[] = [];
      const host = await start({
        code,
        manifest: manifest({
          files: { read: true, maxBytes: 4 },
          http: { hosts: ['store.example.com'] },
          commands,
        }),
        fetch: (request) => (sent.push(request), { status: 201 }),
      });
      const text = async (command: string, args = '') => {
        const result = await host.runCommand(command, { args });
        return result.ok ? (result.value as { text: string }).text : result.message;
      };
      const bytes = Uint8Array.from([0, 255, 128, 10]);
      const file = host.makeFile({ name: 'a.bin', content: bytes });
      expect(file).toMatchObject({ workspaceId: host.workspaceId, name: 'a.bin', size: 4 });
      expect(await text('/peek', file.id)).toBe('a.bin 4 application/octet-stream AP+ACg==');
      expect(await text('/peek', host.makeMessage().id)).toBe('none');
      expect(await text('/peek', host.makeFile({ name: 'b.txt', content: 'hello' }).id)).toContain(
        'files.get: the file is 5 bytes, more than the 4 bytes permissions.files.maxBytes allows',
      );
      expect(await text('/copy', file.id)).toBe('201');
      expect(sent).toEqual([
        expect.objectContaining({ method: 'PUT', body: undefined, bodyBytes: Buffer.from(bytes) }),
      ]);
      expect(await text('/both')).toContain('send either body or bodyBase64, not both');

      const blind = await start({ code, manifest: manifest({ commands }) });
      expect(
        await blind.runCommand('/peek', { args: blind.makeFile({ name: 'c', content: 'c' }).id }),
      ).toMatchObject({
        ok: false,
        message: expect.stringContaining('does not grant files.read'),
      });
    });

    it('gives hooks their own, shorter time limit, which an install may change', async () => {
      const code = script(`return {
        hooks: { messageWillBePosted: async () => { const end = Date.now() + 150; while (Date.now() < end) {} return { action: 'allow' }; } },
        commands: { slow: async () => { const end = Date.now() + 150; while (Date.now() < end) {} return { text: 'done' }; } },
      };`);
      const declared = manifest(
        { hooks: ['messageWillBePosted'], commands: [{ command: 'slow', description: 'Slow' }] },
        { limits: { hookTimeoutMs: 50 } },
      );
      const host = await start({ code, manifest: declared });
      expect(host.limits).toEqual({
        memoryMb: 64,
        eventTimeoutMs: 1000,
        commandTimeoutMs: 1000,
        hookTimeoutMs: 50,
      });
      expect(await host.runHook('messageWillBePosted', { text: 'hi' })).toMatchObject({
        ok: false,
        code: 'timeout',
      });
      expect(await host.runCommand('/slow')).toMatchObject({ ok: true, value: { text: 'done' } });
      const patient = await start({ code, manifest: declared, limits: { hookTimeoutMs: 1000 } });
      expect(await patient.runHook('messageWillBePosted', { text: 'hi' })).toMatchObject({ ok: true });
    });
  });
});
