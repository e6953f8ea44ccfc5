import path from 'node:path';
import { capabilityArgumentProblem } from './capabilities';
import { createTestHost, TestHost } from './testing';

const APPROVALS = path.resolve(__dirname, '../../fixtures/plugins/approvals');

/** `actions`, `views` and `ctx.views` through the test harness, with the approvals sample plugin. */
describe('plugin interactivity in the harness', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await createTestHost({
      entry: path.join(APPROVALS, 'index.ts'),
      manifest: path.join(APPROVALS, 'plugin.json'),
    });
  });
  afterEach(() => host.dispose());

  const request = async () => {
    await host.runCommand('request', { args: 'a new laptop' });
    return host.posted[0];
  };

  it('posts blocks, opens a modal from an action, refuses a short reason, then updates the message', async () => {
    const message = await request();
    expect(message.blocks?.[1]).toMatchObject({ type: 'actions', block_id: 'decide' });
    const clicked = await host.runAction({
      actionId: 'approve',
      blockId: 'decide',
      value: 'a new laptop',
      messageId: message.id,
    });
    expect(clicked).toMatchObject({ ok: true });
    const [[viewId, open]] = [...host.views];
    expect(open.view).toMatchObject({ callback_id: 'approve-reason', title: { text: 'Approve request' } });

    const short = await host.submitView(viewId, {
      reason: { text: { type: 'plain_text_input', value: 'ok' } },
    });
    expect(short).toMatchObject({
      ok: true,
      value: { errors: { reason: expect.stringMatching(/3 characters/) } },
    });
    expect(host.views.has(viewId)).toBe(true);

    // A button inside the modal: the action carries the view, and the plugin updates it.
    expect(await host.runAction({ actionId: 'suggest', blockId: 'helpers', viewId })).toMatchObject({
      ok: true,
    });
    expect(host.views.get(viewId)!.view.blocks[0]).toMatchObject({
      element: { initial_value: 'Looks good to me' },
    });

    const values = { reason: { text: { type: 'plain_text_input', value: 'Looks good to me' } } };
    expect(await host.submitView(viewId, values)).toMatchObject({ ok: true, value: null });
    expect(host.views.size).toBe(0);
    expect(host.posted[0].blocks?.[0]).toMatchObject({
      text: { text: `Approved by <@${host.userId}>: *a new laptop* (Looks good to me)` },
    });
    expect(host.posted[0].text).toBe('');
  });

  it('accepts a trigger once and only within 3 s', async () => {
    const message = await request();
    host.advanceTime(0);
    const action = { actionId: 'approve', blockId: 'decide', value: 'x', messageId: message.id };
    // The handler opens at once: fine. A second open with the same trigger is refused, as is a late one.
    expect(await host.runAction(action)).toMatchObject({ ok: true });
    const late = await createTestHost({
      code: `globalThis.__jokkaerPlugin = { actions: { go: async (a, ctx) => {
        await ctx.now(); return null; },
        twice: async (a, ctx) => { const view = { type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks: [] };
          await ctx.views.open(a.triggerId, view); await ctx.views.open(a.triggerId, view); } } };`,
      manifest: {
        id: 'late',
        name: 'late',
        version: '1.0.0',
        sdkVersion: '^0.1.0',
        permissions: { interactive: true },
      },
    });
    try {
      const twice = await late.runAction({ actionId: 'twice' });
      expect(twice).toMatchObject({ ok: false, code: 'host', message: 'views.open: invalid_trigger_id' });
      expect(late.views.size).toBe(1);
    } finally {
      late.dispose();
    }
  });

  it('gives no actions or views to a plugin whose manifest does not ask for interactive', async () => {
    const plain = await createTestHost({
      code: `globalThis.__jokkaerPlugin = { actions: { go: async () => null } };`,
      manifest: { id: 'plain', name: 'plain', version: '1.0.0', sdkVersion: '^0.1.0', permissions: {} },
    });
    try {
      expect(await plain.runAction({ actionId: 'go' })).toMatchObject({ ok: false, code: 'missing' });
    } finally {
      plain.dispose();
    }
  });

  it('refuses a submit answer the server would refuse', async () => {
    const odd = await createTestHost({
      code: `globalThis.__jokkaerPlugin = {
        actions: { go: async (a, ctx) => { await ctx.views.open(a.triggerId,
          { type: 'modal', callback_id: 'odd', title: { type: 'plain_text', text: 'T' }, blocks: [] }); } },
        views: { odd: { submit: async () => ({ errors: 'nope' }) } } };`,
      manifest: {
        id: 'odd',
        name: 'odd',
        version: '1.0.0',
        sdkVersion: '^0.1.0',
        permissions: { interactive: true },
      },
    });
    try {
      await odd.runAction({ actionId: 'go' });
      const [viewId] = [...odd.views.keys()];
      expect(await odd.submitView(viewId, {})).toMatchObject({
        ok: false,
        code: 'error',
        message: expect.stringMatching(/invalid answer/),
      });
    } finally {
      odd.dispose();
    }
  });
});

describe('the argument schemas of interactive capabilities', () => {
  const modal = { type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks: [] };
  it('takes blocks with or instead of text', () => {
    expect(
      capabilityArgumentProblem('messages.post', [{ channelId: 'c', blocks: [{ type: 'divider' }] }]),
    ).toBeUndefined();
    expect(capabilityArgumentProblem('messages.post', [{ channelId: 'c' }])).toBe('input/text is required');
    expect(capabilityArgumentProblem('messages.post', [{ channelId: 'c', blocks: [{}] }])).toBe(
      'input/blocks/0/type is required',
    );
    expect(capabilityArgumentProblem('messages.update', [{ messageId: 'm', blocks: 'x' }])).toMatch(
      /^input\/blocks must be an array of at most 50 blocks/,
    );
  });
  it('checks views.open and views.update', () => {
    expect(capabilityArgumentProblem('views.open', ['1.abc', modal])).toBeUndefined();
    expect(capabilityArgumentProblem('views.open', ['', modal])).toBe(
      "triggerId must be an action's triggerId",
    );
    expect(capabilityArgumentProblem('views.open', ['1.abc', { ...modal, type: 'home' }])).toBe(
      'view/type must be "modal"',
    );
    expect(capabilityArgumentProblem('views.update', ['v'])).toBe('view is required');
    expect(capabilityArgumentProblem('views.update', ['v', { type: 'modal', blocks: [] }])).toBe(
      'view/title is required',
    );
  });
});
