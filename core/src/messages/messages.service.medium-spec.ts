import { mediumTier, outcome } from '../../../fixtures/medium';
import { ChannelsModule } from '../channels/channels.module';
import { ChannelsService } from '../channels/channels.service';
import { MessagesModule } from './messages.module';
import { MessagesService } from './messages.service';

// A small distinct-emoji cap, so the reaction test reaches it in a few calls.
const tier = mediumTier([ChannelsModule, MessagesModule], { messageMaxDistinctReactions: 3 });

/**
 * Who may do what in a channel, decided by the services from the workspace role and channel membership:
 * 404 where the channel (or message) must stay invisible, 403 where the caller may know it exists, 409 in an
 * archived channel. Every channel is made by `creator` (a member) with `guestIn` added; nobody else is in it.
 */
const ACTORS = ['creator', 'guestIn', 'guestOut', 'nonMember', 'admin', 'owner', 'outsider'] as const;
type Actor = (typeof ACTORS)[number];
const KINDS = ['public', 'private', 'archived'] as const;
type Kind = (typeof KINDS)[number];

interface Scene {
  actors: Record<Actor, string>;
  channels: Record<Kind, string>;
  /** Per channel, a message by `creator` for each actor to act on (posted before the channel was archived). */
  messages: Record<Kind, Record<Actor, string>>;
}

async function scene(): Promise<Scene> {
  const { make } = tier;
  const workspace = await make.workspace({
    creator: 'member',
    guestIn: 'guest',
    guestOut: 'guest',
    nonMember: 'member',
    admin: 'admin',
  });
  const actors: Record<Actor, string> = { ...workspace, outsider: (await make.workspace()).owner };
  const channels = {} as Record<Kind, string>;
  const messages = {} as Record<Kind, Record<Actor, string>>;
  for (const kind of KINDS) {
    const { id } = await make.channel(workspace.id, actors.creator, {
      kind: kind === 'private' ? 'private' : 'public',
      members: [actors.guestIn],
    });
    channels[kind] = id;
    messages[kind] = {} as Record<Actor, string>;
    for (const actor of ACTORS) messages[kind][actor] = (await make.message(id, actors.creator, actor)).id;
    if (kind === 'archived') await tier.get(ChannelsService).update(id, actors.creator, { archived: true });
  }
  return { actors, channels, messages };
}

type Outcomes = Record<Kind, Record<Actor, 'ok' | number>>;

/** Each actor's outcome per channel kind, as a table (a failure shows the whole table's difference). */
const row = (outcomes: string): Record<Actor, 'ok' | number> => {
  const cells = outcomes.trim().split(/\s+/);
  return Object.fromEntries(
    ACTORS.map((actor, index) => [actor, cells[index] === 'ok' ? 'ok' : Number(cells[index])]),
  ) as Record<Actor, 'ok' | number>;
};

interface Operation {
  name: string;
  act(scene: Scene, kind: Kind, actor: Actor): Promise<unknown>;
  expected: Outcomes;
}

const messages = () => tier.get(MessagesService);
const channels = () => tier.get(ChannelsService);

// Columns:             creator guestIn guestOut nonMember admin owner outsider
const OPERATIONS: Operation[] = [
  {
    name: 'read the channel',
    act: (s, kind, actor) => channels().get(s.channels[kind], s.actors[actor]),
    expected: {
      public: row('       ok      ok      404       ok     ok    ok     404'),
      private: row('      ok      ok      404      404    404   404     404'),
      archived: row('     ok      ok      404       ok     ok    ok     404'),
    },
  },
  {
    name: 'read its history',
    act: (s, kind, actor) => messages().list(s.channels[kind], s.actors[actor], { limit: 10 }),
    expected: {
      public: row('       ok      ok      404       ok     ok    ok     404'),
      private: row('      ok      ok      404      404    404   404     404'),
      archived: row('     ok      ok      404       ok     ok    ok     404'),
    },
  },
  {
    name: 'read a message',
    act: (s, kind, actor) => messages().get(s.messages[kind][actor], s.actors[actor]),
    expected: {
      public: row('       ok      ok      404       ok     ok    ok     404'),
      private: row('      ok      ok      404      404    404   404     404'),
      archived: row('     ok      ok      404       ok     ok    ok     404'),
    },
  },
  {
    name: 'post',
    act: (s, kind, actor) =>
      messages().post(s.channels[kind], { userId: s.actors[actor], isBot: false }, { text: 'hello' }),
    expected: {
      public: row('       ok      ok      404      403    403   403     404'),
      private: row('      ok      ok      404      404    404   404     404'),
      archived: row('    409     409      404      403    403   403     404'),
    },
  },
  {
    name: 'react',
    act: (s, kind, actor) => messages().react(s.messages[kind][actor], s.actors[actor], 'tada', true),
    expected: {
      public: row('       ok      ok      404      403    403   403     404'),
      private: row('      ok      ok      404      404    404   404     404'),
      archived: row('    409     409      404      403    403   403     404'),
    },
  },
  {
    name: "edit the creator's message",
    act: (s, kind, actor) => messages().edit(s.messages[kind][actor], s.actors[actor], { text: 'edited' }),
    expected: {
      public: row('       ok     403      404      403    403   403     404'),
      private: row('      ok     403      404      404    404   404     404'),
      archived: row('    409     403      404      403    403   403     404'),
    },
  },
  {
    name: "delete the creator's message",
    act: (s, kind, actor) => messages().delete(s.messages[kind][actor], s.actors[actor]),
    expected: {
      public: row('       ok     403      404      403     ok    ok     404'),
      private: row('      ok     403      404      404    404   404     404'),
      archived: row('     ok     403      404      403     ok    ok     404'),
    },
  },
  {
    name: 'change the topic',
    act: (s, kind, actor) => channels().update(s.channels[kind], s.actors[actor], { topic: 'new topic' }),
    expected: {
      public: row('       ok     403      404      403     ok    ok     404'),
      private: row('      ok     403      404      404    404   404     404'),
      archived: row('    409     403      404      403    409   409     404'),
    },
  },
  {
    name: 'archive',
    act: (s, kind, actor) => channels().update(s.channels[kind], s.actors[actor], { archived: true }),
    expected: {
      public: row('       ok     403      404      403     ok    ok     404'),
      private: row('      ok     403      404      404    404   404     404'),
      archived: row('     ok     403      404      403     ok    ok     404'),
    },
  },
  {
    name: 'join',
    act: (s, kind, actor) => channels().join(s.channels[kind], s.actors[actor]),
    expected: {
      public: row('       ok      ok      404       ok     ok    ok     404'),
      private: row('      ok      ok      404      404    404   404     404'),
      archived: row('    409     409      404      409    409   409     404'),
    },
  },
];

describe('the channel authorization matrix, by the services', () => {
  it.each(OPERATIONS)('$name', async (operation) => {
    const s = await scene();
    const outcomes = {} as Outcomes;
    for (const kind of KINDS) {
      outcomes[kind] = {} as Record<Actor, 'ok' | number>;
      for (const actor of ACTORS) outcomes[kind][actor] = await outcome(operation.act(s, kind, actor));
    }
    expect(outcomes).toEqual(operation.expected);
  });
});

/** A channel of a new workspace with two members, `alice` (its creator) and `bob`. */
async function pair(): Promise<{ workspaceId: string; channelId: string; alice: string; bob: string }> {
  const workspace = await tier.make.workspace({ alice: 'member', bob: 'member' });
  const { id } = await tier.make.channel(workspace.id, workspace.alice, { members: [workspace.bob] });
  return { workspaceId: workspace.id, channelId: id, alice: workspace.alice, bob: workspace.bob };
}

const history = async (channelId: string, userId: string) =>
  (await messages().list(channelId, userId, { limit: 50 })).items;

describe('idempotent posts (clientMsgId)', () => {
  it('a retry returns the first message, even with other text, and writes nothing more', async () => {
    const { channelId, alice } = await pair();
    const first = await tier.make.message(channelId, alice, { text: 'once', clientMsgId: 'retry-1' });
    const retried = await tier.make.message(channelId, alice, { text: 'twice', clientMsgId: 'retry-1' });
    expect(retried).toEqual(first);
    expect(retried.text).toBe('once');
    expect((await history(channelId, alice)).map((m) => m.id)).toEqual([first.id]);
  });

  it('concurrent retries all get the one message', async () => {
    const { channelId, alice } = await pair();
    const posts = await Promise.all(
      [1, 2, 3, 4].map(() => tier.make.message(channelId, alice, { text: 'race', clientMsgId: 'race-1' })),
    );
    expect(new Set(posts.map((post) => post.id)).size).toBe(1);
    expect(await history(channelId, alice)).toHaveLength(1);
  });

  it("is each author's own: the same clientMsgId from another member, or without one, is a new message", async () => {
    const { channelId, alice, bob } = await pair();
    const mine = await tier.make.message(channelId, alice, { text: 'a', clientMsgId: 'shared' });
    const theirs = await tier.make.message(channelId, bob, { text: 'b', clientMsgId: 'shared' });
    const plain = [
      await tier.make.message(channelId, alice, 'c'),
      await tier.make.message(channelId, alice, 'c'),
    ];
    expect(theirs.id).not.toBe(mine.id);
    expect(plain[0].id).not.toBe(plain[1].id);
    expect(await history(channelId, alice)).toHaveLength(4);
  });
});

describe('threads', () => {
  it('hangs every reply off the root, also one naming a reply, and counts them on the root', async () => {
    const { channelId, alice, bob } = await pair();
    const root = await tier.make.message(channelId, alice, 'root');
    const reply = await tier.make.message(channelId, bob, { text: 'reply', threadId: root.id });
    const nested = await tier.make.message(channelId, alice, { text: 'to the reply', threadId: reply.id });
    expect([reply.threadId, nested.threadId]).toEqual([root.id, root.id]);
    expect((await messages().get(root.id, bob)).replyCount).toBe(2);
    // The channel's history holds roots only; the thread, from its root or any reply, holds the replies in order.
    expect((await history(channelId, bob)).map((m) => m.id)).toEqual([root.id]);
    for (const from of [root.id, reply.id]) {
      const thread = await messages().replies(from, bob, { limit: 10 });
      expect(thread.items.map((m) => m.id)).toEqual([reply.id, nested.id]);
    }
  });

  it('counts a deleted reply out', async () => {
    const { channelId, alice, bob } = await pair();
    const root = await tier.make.message(channelId, alice, 'root');
    const reply = await tier.make.message(channelId, bob, { text: 'reply', threadId: root.id });
    await tier.make.message(channelId, bob, { text: 'another', threadId: root.id });
    await messages().delete(reply.id, bob);
    expect((await messages().get(root.id, alice)).replyCount).toBe(1);
    expect((await messages().replies(root.id, alice, { limit: 10 })).items.map((m) => m.text)).toEqual([
      'another',
    ]);
  });

  it('refuses a thread of another channel (or none), naming threadId', async () => {
    const { workspaceId, channelId, alice } = await pair();
    const elsewhere = await tier.make.channel(workspaceId, alice);
    const foreignRoot = await tier.make.message(elsewhere.id, alice, 'root elsewhere');
    for (const threadId of [foreignRoot.id, '0190a0a0-0000-7000-8000-000000000000']) {
      await expect(tier.make.message(channelId, alice, { text: 'reply', threadId })).rejects.toMatchObject({
        status: 400,
        errors: [{ path: 'threadId', message: 'is not a message in this channel' }],
      });
    }
    expect((await messages().get(foreignRoot.id, alice)).replyCount).toBe(0);
  });
});

describe('reactions', () => {
  it('counts a person once per emoji, however often they add it, and removes only what they added', async () => {
    const { channelId, alice, bob } = await pair();
    const { id } = await tier.make.message(channelId, alice, 'react to me');
    await messages().react(id, alice, 'tada', true);
    await messages().react(id, alice, 'tada', true);
    await messages().react(id, bob, 'tada', true);
    await messages().react(id, bob, 'eyes', true);
    const reactions = (await messages().get(id, alice)).reactions;
    expect(reactions).toEqual(
      expect.arrayContaining([
        { emoji: 'tada', count: 2, userIds: expect.arrayContaining([alice, bob]) },
        { emoji: 'eyes', count: 1, userIds: [bob] },
      ]),
    );
    expect(reactions).toHaveLength(2);
    await messages().react(id, alice, 'eyes', false); // not alice's: nothing changes
    await messages().react(id, bob, 'tada', false);
    await messages().react(id, bob, 'tada', false);
    expect((await messages().get(id, alice)).reactions).toEqual(
      expect.arrayContaining([
        { emoji: 'tada', count: 1, userIds: [alice] },
        { emoji: 'eyes', count: 1, userIds: [bob] },
      ]),
    );
    await messages().react(id, bob, 'eyes', false);
    expect((await messages().get(id, alice)).reactions).toEqual([
      { emoji: 'tada', count: 1, userIds: [alice] },
    ]);
  });

  it('refuses what is not an emoji, and a new emoji beyond the distinct cap (an existing one still counts)', async () => {
    const { channelId, alice, bob } = await pair();
    const { id } = await tier.make.message(channelId, alice, 'popular');
    await expect(messages().react(id, alice, 'not an emoji!', true)).rejects.toMatchObject({
      status: 400,
      errors: [{ path: 'emoji' }],
    });
    for (const emoji of ['tada', 'eyes', 'rocket']) await messages().react(id, alice, emoji, true);
    await expect(messages().react(id, bob, 'fire', true)).rejects.toMatchObject({
      status: 409,
      errors: [{ path: 'emoji', message: 'would be emoji number 4 on this message' }],
    });
    await messages().react(id, bob, 'tada', true);
    const reactions = (await messages().get(id, alice)).reactions;
    expect(reactions.map((r) => r.emoji).sort()).toEqual(['eyes', 'rocket', 'tada']);
    expect(reactions.find((r) => r.emoji === 'tada')?.count).toBe(2);
  });
});
