import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { createTestHost, type TestHost, type TestHostOptions } from '@jokkaer/sdk-plugin/testing';
import { formatDue, parseAdd } from './parse';
import type { ChannelTasks } from './store';

const manifestPath = path.join(__dirname, 'plugin.json');
const manifest = () => JSON.parse(readFileSync(manifestPath, 'utf8'));
/** Friday 27 November 2026, 10:00 UTC. */
const START = Date.UTC(2026, 10, 27, 10, 0);
const HOUR = 3_600_000;
const alice = { id: randomUUID(), displayName: 'Alice', isBot: false };
const bob = { id: randomUUID(), displayName: 'Bob', isBot: false };

let host: TestHost;
const start = async (options: Partial<TestHostOptions> = {}) => {
  host = await createTestHost({
    entry: path.join(__dirname, 'index.ts'),
    manifest: manifestPath,
    startTime: START,
    users: [alice, bob],
    ...options,
  });
  return host;
};
afterEach(() => host?.dispose());

const task = (args: string, input: { userId?: string; channelId?: string } = {}) =>
  host.runCommand('/task', { args, ...input });
const answer = async (args: string, input: { userId?: string; channelId?: string } = {}) => {
  const result = await task(args, input);
  if (!result.ok) throw new Error(result.message);
  return result.value as { responseType: string; text: string };
};
const tasksIn = (channelId = host.channelId) =>
  (host.kv.get(`channel:${channelId}`)?.value as ChannelTasks | undefined)?.tasks ?? [];

describe('parsing /task add', () => {
  const parse = (args: string, timeZone = 'UTC') => parseAdd(args, START, timeZone);

  it('takes an assignee mention and a due date at the end, in either order', () => {
    expect(parse(`Buy milk <@${alice.id}> 2026-12-01`)).toEqual({
      text: 'Buy milk',
      assigneeId: alice.id,
      dueAt: Date.UTC(2026, 11, 1, 9, 0),
    });
    expect(parse(`Buy milk due 2026-12-01 14:00 <@${alice.id.toUpperCase()}>`)).toEqual({
      text: 'Buy milk',
      assigneeId: alice.id,
      dueAt: Date.UTC(2026, 11, 1, 14, 0),
    });
    // A mention inside the text is part of it.
    expect(parse(`Ask <@${bob.id}> about the budget`)).toEqual({ text: `Ask <@${bob.id}> about the budget` });
  });

  it('reads relative dates from the clock, in the time zone', () => {
    expect(parse('Call the bank tomorrow')).toMatchObject({
      text: 'Call the bank',
      dueAt: START + 23 * HOUR,
    });
    expect(parse('Call the bank tomorrow at 7:30')).toMatchObject({ dueAt: Date.UTC(2026, 10, 28, 7, 30) });
    expect(parse('Review in 3 days')).toMatchObject({ text: 'Review', dueAt: START + 72 * HOUR });
    expect(parse('Stretch in 2h')).toMatchObject({ dueAt: START + 2 * HOUR });
    expect(parse('Deploy monday')).toMatchObject({ dueAt: Date.UTC(2026, 10, 30, 9, 0) });
    // Today is a Friday: "friday" is next week's.
    expect(parse('Retro friday 15:00')).toMatchObject({ dueAt: Date.UTC(2026, 11, 4, 15, 0) });
    // Oslo is UTC+1 in winter: 14:00 there is 13:00 UTC.
    expect(parse('Standup 2026-12-01 14:00', 'Europe/Oslo')).toMatchObject({
      dueAt: Date.UTC(2026, 11, 1, 13, 0),
    });
    // At 10:00 UTC it is already Saturday midnight on Kiritimati (UTC+14): "tomorrow" is Sunday there.
    expect(parse('Brunch tomorrow', 'Pacific/Kiritimati')).toMatchObject({
      dueAt: Date.UTC(2026, 10, 28, 19, 0),
    });
    expect(formatDue(Date.UTC(2026, 11, 1, 13, 0), 'Europe/Oslo')).toBe('2026-12-01 14:00 (Europe/Oslo)');
  });

  it('keeps a text that is only a date, and explains what it cannot read', () => {
    expect(parse('tomorrow')).toEqual({ text: 'tomorrow' });
    expect(parse('Pay rent 2026-02-30')).toEqual({ error: '2026-02-30 is not a date' });
    expect(parse('Pay rent 2026-02-01 25:00')).toEqual({
      error: '25:00 is not a time of day (use HH:MM, 00:00–23:59)',
    });
    expect(parse('   ')).toEqual({ error: expect.stringContaining('needs some text') });
    expect(parse('x'.repeat(301))).toEqual({ error: 'A task is at most 300 characters.' });
  });
});

describe('the tasks plugin', () => {
  it('answers help, an empty /task and unknown subcommands with the usage, only to the caller', async () => {
    await start();
    for (const args of ['help', '', 'frobnicate now']) {
      const { responseType, text } = await answer(args);
      expect(responseType).toBe('ephemeral');
      for (const sub of ['/task add', '/task list', '/task done', '/task assign', '/task help'])
        expect(text).toContain(sub);
    }
    expect((await answer('frobnicate now')).text).toMatch(/^There is no `\/task frobnicate`/);
    expect(host.kv.size).toBe(0);
  });

  it('refuses settings that fail its schema, naming each field', async () => {
    const failure = await start({ settings: { reminderLeadMinutes: -5, colour: 'red' } }).catch(
      (error: Error) => error.message,
    );
    expect(failure).toContain('reminderLeadMinutes: must be >= 0');
    expect(failure).toContain('colour: is not a known field');
    await expect(start({ settings: { syncUrl: 'ftp://example.com/tasks' } })).rejects.toThrow(/syncUrl/);
  });

  it('adds tasks numbered per channel, in the channel, with assignee and due date', async () => {
    await start();
    const added = await answer(`add Buy milk <@${alice.id}> tomorrow`);
    expect(added).toEqual({
      responseType: 'in_channel',
      text: `📝 <@${host.userId}> added #1 Buy milk → <@${alice.id}> · due 2026-11-28 09:00 UTC`,
    });
    expect((await answer('add Bake bread')).text).toContain('#2 Bake bread');
    const elsewhere = randomUUID();
    expect((await answer('add Other room', { channelId: elsewhere })).text).toContain('#1 Other room');
    expect(tasksIn()).toEqual([
      {
        n: 1,
        text: 'Buy milk',
        assigneeId: alice.id,
        dueAt: START + 23 * HOUR,
        createdBy: host.userId,
        createdAt: START,
      },
      { n: 2, text: 'Bake bread', createdBy: host.userId, createdAt: START },
    ]);
    expect(tasksIn(elsewhere).map((t) => t.n)).toEqual([1]);
  });

  it('refuses an assignee outside the workspace and dates it cannot read, storing nothing', async () => {
    await start();
    const stranger = randomUUID();
    expect(await answer(`add Spy <@${stranger}>`)).toEqual({
      responseType: 'ephemeral',
      text: `<@${stranger}> is not a member of this workspace.`,
    });
    expect((await answer('add Pay rent 2026-13-01')).text).toBe('2026-13-01 is not a date');
    expect(host.kv.size).toBe(0);
  });

  it('numbers concurrent adds distinctly, through compare-and-set', async () => {
    await start();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => answer(`add Job ${i}`)));
    const numbers = results.map(({ text }) => Number(/#(\d+)/.exec(text)![1]));
    expect([...numbers].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(
      tasksIn()
        .map((t) => t.text)
        .sort(),
    ).toEqual(['Job 0', 'Job 1', 'Job 2', 'Job 3', 'Job 4', 'Job 5']);
  });

  it('forgets done tasks after 30 days, and refuses a task beyond 200 open ones', async () => {
    await start();
    await answer('add Old chore');
    await answer('done 1');
    host.advanceTime(30 * 24 * HOUR);
    await answer('add New chore');
    expect(tasksIn().map((t) => t.n)).toEqual([2]);
    const open = Array.from({ length: 200 }, (_, i) => ({
      n: i + 1,
      text: 't',
      createdBy: alice.id,
      createdAt: START,
    }));
    host.kv.set(`channel:${host.channelId}`, {
      value: { next: 201, tasks: open },
      version: 9,
      expiresAt: null,
    });
    expect(await answer('add One too many')).toEqual({
      responseType: 'ephemeral',
      text: 'This channel has 200 open tasks; complete some first.',
    });
    expect(tasksIn()).toHaveLength(200);
  });

  it('lists open tasks, mine, or all, only to the caller', async () => {
    await start();
    await answer(`add Buy milk <@${alice.id}> in 2 hours`);
    await answer(`add Walk the dog <@${bob.id}>`);
    await answer('add Water plants 2026-11-26');
    await answer('done 2');
    expect(await answer('list')).toEqual({
      responseType: 'ephemeral',
      text: [
        'Open tasks in this channel:',
        `#1 Buy milk → <@${alice.id}> · due 2026-11-27 12:00 UTC`,
        '#3 Water plants · due 2026-11-26 09:00 UTC (overdue)',
      ].join('\n'),
    });
    expect((await answer('list mine', { userId: alice.id })).text).toBe(
      `Your open tasks in this channel:\n#1 Buy milk → <@${alice.id}> · due 2026-11-27 12:00 UTC`,
    );
    expect((await answer('list mine', { userId: bob.id })).text).toMatch(
      /^Your open tasks in this channel: none/,
    );
    expect((await answer('list all')).text).toContain(`#2 ✓ Walk the dog → <@${bob.id}>`);
    expect((await answer('list everything')).text).toMatch(/takes `mine` or `all`, not “everything”/);
    expect((await answer('list', { channelId: randomUUID() })).text).toMatch(/none/);
  });

  it('completes a task once, and says which numbers do not exist', async () => {
    await start();
    await answer('add Buy milk');
    expect(await answer('done #1', { userId: bob.id })).toEqual({
      responseType: 'in_channel',
      text: `✅ <@${bob.id}> completed #1: Buy milk`,
    });
    expect(tasksIn()[0]).toMatchObject({ doneAt: START, doneBy: bob.id });
    expect(await answer('done 1')).toEqual({ responseType: 'ephemeral', text: 'Task #1 is already done.' });
    expect((await answer('done 7')).text).toBe('There is no task #7 in this channel.');
    expect((await answer('done milk')).text).toMatch(/^Usage: `\/task done <n>`/);
  });

  it('assigns to a mentioned member or to the caller', async () => {
    await start();
    await answer('add Fix the printer');
    expect(await answer(`assign 1 <@${bob.id}>`)).toEqual({
      responseType: 'in_channel',
      text: `👉 <@${host.userId}> assigned #1 to <@${bob.id}>: Fix the printer`,
    });
    expect(tasksIn()[0].assigneeId).toBe(bob.id);
    await answer('assign 1 me', { userId: alice.id });
    expect(tasksIn()[0].assigneeId).toBe(alice.id);
    expect((await answer('assign 1')).text).toMatch(/^Usage: `\/task assign/);
    expect((await answer(`assign 2 <@${bob.id}>`)).text).toBe('There is no task #2 in this channel.');
  });

  it('reminds the channel once when a task falls due, not when done or already due', async () => {
    await start();
    await answer(`add Submit report <@${alice.id}> in 2 hours`);
    await answer('add Already late 2026-11-01');
    await answer('add Done early in 1 hour');
    await answer('done 3');
    expect(await host.runSchedule('remind')).toMatchObject({ ok: true });
    expect(host.posted).toEqual([]);
    host.advanceTime(2 * HOUR);
    await host.runSchedule('remind');
    expect(host.posted).toEqual([
      expect.objectContaining({
        channelId: host.channelId,
        text: `⏰ Due: #1 Submit report → <@${alice.id}> · due 2026-11-27 12:00 UTC`,
      }),
    ]);
    host.advanceTime(HOUR);
    await host.runSchedule('remind');
    expect(host.posted).toHaveLength(1);
    expect(tasksIn()[0].reminded).toBe(true);
  });

  it('reminds reminderLeadMinutes early, naming who added an unassigned task', async () => {
    await start({ settings: { reminderLeadMinutes: 30 } });
    await answer('add Book the room in 1 hour');
    host.advanceTime(29 * 60_000);
    await host.runSchedule('remind');
    expect(host.posted).toEqual([]);
    host.advanceTime(60_000);
    await host.runSchedule('remind');
    expect(host.posted.map((m) => m.text)).toEqual([
      `⏰ Due: #1 Book the room · due 2026-11-27 11:00 UTC (added by <@${host.userId}>)`,
    ]);
  });

  it('turns a message into a task on the configured reaction, once per message', async () => {
    await start();
    const message = host.makeMessage({ text: 'Ship the\nrelease notes', userId: bob.id });
    const react = (emoji: string, userId = alice.id) =>
      host.dispatchEvent('reaction.added', {
        workspaceId: host.workspaceId,
        channelId: message.channelId,
        messageId: message.id,
        userId,
        emoji,
      });
    expect(await react('👍')).toMatchObject({ ok: true });
    expect(host.kv.size).toBe(0);
    expect(await react('✅')).toMatchObject({ ok: true });
    expect(tasksIn()).toEqual([
      { n: 1, text: 'Ship the release notes', createdBy: alice.id, createdAt: START, messageId: message.id },
    ]);
    expect(host.posted).toEqual([
      expect.objectContaining({
        threadId: message.id,
        text: `📝 <@${alice.id}> turned this message into task #1.`,
      }),
    ]);
    // Redelivered, or someone else reacts too: still one task.
    await react('✅');
    await react(':white_check_mark:', bob.id);
    expect(tasksIn()).toHaveLength(1);
    expect(host.posted).toHaveLength(1);
    expect((await answer('list')).text).toContain('#1 Ship the release notes');
  });

  it('follows the reactionEmoji setting and ignores messages it cannot read', async () => {
    await start({ settings: { reactionEmoji: 'pushpin' } });
    const message = host.makeMessage({ text: 'Renew the certificate' });
    const event = (messageId: string, emoji: string) => ({
      workspaceId: host.workspaceId,
      channelId: host.channelId,
      messageId,
      userId: alice.id,
      emoji,
    });
    await host.dispatchEvent('reaction.added', event(message.id, '✅'));
    expect(host.kv.size).toBe(0);
    await host.dispatchEvent('reaction.added', event(randomUUID(), 'pushpin'));
    expect(host.kv.size).toBe(0);
    await host.dispatchEvent('reaction.added', event(message.id, ':pushpin:'));
    expect(tasksIn().map((t) => t.text)).toEqual(['Renew the certificate']);
  });

  it('cannot read messages without messages.read', async () => {
    const withoutRead = manifest();
    withoutRead.permissions.messages = { write: true };
    await start({ manifest: withoutRead });
    const message = host.makeMessage({ text: 'Something' });
    expect(
      await host.dispatchEvent('reaction.added', {
        workspaceId: host.workspaceId,
        channelId: host.channelId,
        messageId: message.id,
        userId: alice.id,
        emoji: '✅',
      }),
    ).toMatchObject({
      ok: false,
      code: 'error',
      message: expect.stringContaining('does not grant messages.read'),
    });
    expect(host.kv.size).toBe(0);
  });

  describe('sync', () => {
    const syncUrl = 'https://todo.example.test/jokkaer/';
    const requests: { url: string; method: string; headers: Record<string, string>; body?: string }[] = [];
    beforeEach(() => (requests.length = 0));

    it('PUTs each change to <syncUrl>/<channelId>/<n> with the bearer token', async () => {
      await start({
        settings: { syncUrl, syncToken: 's3cret' },
        allowedHosts: ['todo.example.test'],
        fetch: (request) => {
          requests.push(request);
          return { status: 204 };
        },
      });
      await answer(`add Buy milk <@${alice.id}> 2026-12-01`);
      await answer(`assign 1 <@${bob.id}>`);
      await answer('done 1');
      const url = `https://todo.example.test/jokkaer/${host.channelId}/1`;
      expect(requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
        ['PUT', url, 'Bearer s3cret'],
        ['PUT', url, 'Bearer s3cret'],
        ['PUT', url, 'Bearer s3cret'],
      ]);
      expect(requests[0].headers['content-type']).toBe('application/json');
      expect(JSON.parse(requests[0].body!)).toEqual({
        event: 'added',
        workspaceId: host.workspaceId,
        channelId: host.channelId,
        number: 1,
        text: 'Buy milk',
        assigneeId: alice.id,
        dueAt: '2026-12-01T09:00:00.000Z',
        done: false,
        completedAt: null,
        createdBy: host.userId,
        createdAt: new Date(START).toISOString(),
        sourceMessageId: null,
      });
      expect(JSON.parse(requests[1].body!)).toMatchObject({ event: 'assigned', assigneeId: bob.id });
      expect(JSON.parse(requests[2].body!)).toMatchObject({
        event: 'completed',
        done: true,
        completedAt: new Date(START).toISOString(),
      });
      expect(host.logs.filter((log) => log.level === 'warn')).toEqual([]);
    });

    it.each([
      ['the service fails', ['todo.example.test'], 'task sync was refused', { status: 503 }],
      [
        'its host is not allowed',
        [],
        'task sync failed',
        { error: expect.stringContaining('not an allowed host') },
      ],
    ])('keeps the task and logs a warning when %s', async (_, allowedHosts, message, fields) => {
      await start({ settings: { syncUrl }, allowedHosts, fetch: () => ({ status: 503 }) });
      expect((await answer('add Still here')).responseType).toBe('in_channel');
      expect(tasksIn()).toHaveLength(1);
      expect(host.logs).toEqual([
        expect.objectContaining({ level: 'warn', message, fields: expect.objectContaining(fields) }),
      ]);
    });
  });
});
