import { mediumTier, outcome } from '../../../fixtures/medium';
import { ChannelsModule } from '../channels/channels.module';
import { ChannelsService } from '../channels/channels.service';
import { Database } from '../database/database';
import { databaseProblem } from '../database/errors';
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
    name: 'read its thread',
    act: (s, kind, actor) => messages().replies(s.messages[kind][actor], s.actors[actor], { limit: 10 }),
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

describe('posts', () => {
  it('gives every message a ts of its own within the channel, also under concurrent posts', async () => {
    const { channelId, alice, bob } = await pair();
    const posted = await Promise.all(
      Array.from({ length: 12 }, (_, n) => tier.make.message(channelId, n % 2 ? alice : bob, `burst ${n}`)),
    );
    expect(new Set(posted.map((message) => message.ts)).size).toBe(12);
    // The history shows each with the ts it was posted with.
    const page = await messages().list(channelId, alice, { limit: 12 });
    expect(new Set(page.items.map((message) => message.ts))).toEqual(new Set(posted.map((m) => m.ts)));
  });

  it('writes posts that come together in one statement: each its own message and event, in ts order', async () => {
    const { channelId, alice, bob } = await pair();
    const db = tier.get(Database);
    const inserts: string[] = [];
    const capture = (query: { sql: string }) => {
      if (query.sql.includes('INSERT INTO messages')) inserts.push(query.sql);
    };
    db.knex.on('query', capture);
    const posted = await Promise.all(
      Array.from({ length: 8 }, (_, n) => tier.make.message(channelId, n % 2 ? alice : bob, `together ${n}`)),
    );
    db.knex.off('query', capture);
    expect(inserts).toHaveLength(1);
    expect(posted.map((message) => message.text)).toEqual(
      Array.from({ length: 8 }, (_, n) => `together ${n}`),
    );
    expect(posted.map((message) => message.userId)).toEqual(posted.map((_, n) => (n % 2 ? alice : bob)));
    // The order they were posted in is their ts order, and their events' (seq) order.
    const ts = posted.map((message) => BigInt(message.ts!.replace('.', '')));
    expect(ts.every((value, n) => n === 0 || value > ts[n - 1])).toBe(true);
    const events = await db
      .knex('events')
      .where({ type: 'message.created', channelId })
      .orderBy('seq')
      .select<{ data: { id: string; text: string } }[]>('data');
    expect(events.map((event) => event.data.id)).toEqual(posted.map((message) => message.id));
    for (const message of posted) expect(await messages().get(message.id, alice)).toEqual(message);
  });

  it('fails only the post PostgreSQL refuses among those that came together; the others are written', async () => {
    const { channelId, alice } = await pair();
    const texts = ['first', 'a NUL \u0000 PostgreSQL cannot store', 'third', 'fourth'];
    const results = await Promise.allSettled(texts.map((text) => tier.make.message(channelId, alice, text)));
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    // As it would alone: a value the database cannot store, answered 400.
    expect(databaseProblem((results[1] as PromiseRejectedResult).reason)?.getStatus()).toBe(400);
    expect((await history(channelId, alice)).map((message) => message.text)).toEqual([
      'fourth',
      'third',
      'first',
    ]);
  });

  it('pages the history newest first with a cursor, without gaps or repeats', async () => {
    const { channelId, alice } = await pair();
    const posted: string[] = [];
    for (let i = 0; i < 7; i++) posted.push((await tier.make.message(channelId, alice, `m${i}`)).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await messages().list(channelId, alice, { limit: 3, cursor });
      seen.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...posted].reverse());
  });

  it('shows each message of a page, and of a thread, with its own reactions and mentions, as it shows alone', async () => {
    const { channelId, alice, bob } = await pair();
    const greeting = await tier.make.message(channelId, alice, `hi <@${bob}>`);
    const plain = await tier.make.message(channelId, bob, 'plain');
    const both = await tier.make.message(channelId, bob, `<@${bob}> and <@${alice}>`);
    const reply = await tier.make.message(channelId, bob, { text: `yes <@${alice}>`, threadId: greeting.id });
    await messages().react(greeting.id, bob, '👍', true);
    await messages().react(greeting.id, alice, 'tada', true);
    await messages().react(both.id, alice, '👍', true);
    await messages().react(reply.id, alice, 'tada', true);
    const alone = async (id: string) => messages().get(id, alice);
    const page = await history(channelId, alice);
    expect(page.map((message) => message.id)).toEqual([both.id, plain.id, greeting.id]);
    for (const message of page) expect(message).toEqual(await alone(message.id));
    expect(page[0]).toMatchObject({ mentions: [bob, alice], reactions: [{ emoji: '👍', userIds: [alice] }] });
    expect(page[1]).toMatchObject({ mentions: [], reactions: [] });
    expect(page[2].reactions.map((reaction) => reaction.emoji)).toEqual(['👍', 'tada']);
    const thread = (await messages().replies(greeting.id, alice, { limit: 10 })).items;
    expect(thread.map((message) => message.id)).toEqual([reply.id]);
    expect(thread[0]).toEqual(await alone(reply.id));
    expect(thread[0]).toMatchObject({ mentions: [alice], reactions: [{ emoji: 'tada', count: 1 }] });
  });

  it('stores mentions of workspace members only, once each, on a post and on an edit', async () => {
    const workspace = await tier.make.workspace({ alice: 'member', bob: 'member', admin: 'admin' });
    const { alice, bob, admin } = workspace;
    const outsider = (await tier.make.user()).id;
    const { id: channelId } = await tier.make.channel(workspace.id, alice, { members: [bob, admin] });
    const message = await tier.make.message(channelId, alice, `hey <@${bob}> and <@${outsider}>, <@${bob}>`);
    expect(message.mentions).toEqual([bob]);
    const edited = await messages().edit(message.id, alice, { text: `now <@${admin}>` });
    expect(edited.mentions).toEqual([admin]);
  });
});

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
      [1, 2, 3, 4, 5].map(() => tier.make.message(channelId, alice, { text: 'race', clientMsgId: 'race-1' })),
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
    const timeline = await history(channelId, bob);
    expect(timeline.map((m) => m.id)).toEqual([root.id]);
    expect(timeline[0].replyCount).toBe(2);
    for (const from of [root.id, reply.id]) {
      const thread = await messages().replies(from, bob, { limit: 10 });
      expect(thread.items.map((m) => m.id)).toEqual([reply.id, nested.id]);
    }
  });

  it('counts a deleted reply out, and takes no reply to it (with or without a clientMsgId), leaving no trace', async () => {
    const { channelId, alice, bob } = await pair();
    const root = await tier.make.message(channelId, alice, 'root');
    const reply = await tier.make.message(channelId, bob, { text: 'reply', threadId: root.id });
    await tier.make.message(channelId, bob, { text: 'another', threadId: root.id });
    await messages().delete(reply.id, bob);
    expect((await messages().get(root.id, alice)).replyCount).toBe(1);
    for (const clientMsgId of [undefined, 'reply-to-deleted']) {
      await expect(
        tier.make.message(channelId, alice, { text: 'too late', threadId: reply.id, clientMsgId }),
      ).rejects.toMatchObject({
        status: 400,
        errors: [{ path: 'threadId', message: 'is not a message in this channel' }],
      });
    }
    expect((await messages().replies(root.id, alice, { limit: 10 })).items.map((m) => m.text)).toEqual([
      'another',
    ]);
    expect((await messages().get(root.id, alice)).replyCount).toBe(1);
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

describe('edits and deletes', () => {
  it('lets only the author edit, and the author or a workspace admin delete, among members of the channel', async () => {
    const workspace = await tier.make.workspace({ alice: 'member', bob: 'member', admin: 'admin' });
    const { alice, bob, admin } = workspace;
    const { id: channelId } = await tier.make.channel(workspace.id, alice, { members: [bob, admin] });
    const message = await tier.make.message(channelId, alice, 'original');
    expect(await outcome(messages().edit(message.id, bob, { text: 'hacked' }))).toBe(403);
    expect(await outcome(messages().edit(message.id, admin, { text: 'hacked' }))).toBe(403);
    const edited = await messages().edit(message.id, alice, { text: 'edited' });
    expect(edited.text).toBe('edited');
    expect(edited.editedAt).toEqual(expect.any(String));
    expect(await messages().get(message.id, bob)).toEqual(edited);

    expect(await outcome(messages().delete(message.id, bob))).toBe(403);
    await messages().delete(message.id, admin);
    expect(await outcome(messages().get(message.id, alice))).toBe(404);
    expect(await outcome(messages().edit(message.id, alice, { text: 'again' }))).toBe(404);

    const own = await tier.make.message(channelId, bob, 'mine');
    await messages().delete(own.id, bob);
    expect(await history(channelId, alice)).toEqual([]);
  });
});

describe('reactions', () => {
  it('aggregates per emoji in the order first added, its people in the order they reacted', async () => {
    const { channelId, alice, bob } = await pair();
    const { id } = await tier.make.message(channelId, alice, 'react to me');
    for (const user of [alice, bob, bob]) await messages().react(id, user, '👍', true);
    await messages().react(id, alice, 'tada', true);
    expect((await messages().get(id, alice)).reactions).toEqual([
      { emoji: '👍', count: 2, userIds: [alice, bob] },
      { emoji: 'tada', count: 1, userIds: [alice] },
    ]);
    await messages().react(id, bob, '👍', false);
    expect((await messages().get(id, alice)).reactions[0]).toEqual({
      emoji: '👍',
      count: 1,
      userIds: [alice],
    });
  });

  it('takes a shortcode or exactly one emoji, naming the field otherwise', async () => {
    const { channelId, alice } = await pair();
    // One message per accepted emoji: this file's distinct-emoji cap is 3.
    for (const emoji of [':tada:', '+1', '👩🏽‍💻', '🇫🇷', '❤']) {
      const { id } = await tier.make.message(channelId, alice, `pick ${emoji}`);
      await messages().react(id, alice, emoji, true);
      expect((await messages().get(id, alice)).reactions).toHaveLength(1);
    }
    const { id } = await tier.make.message(channelId, alice, 'pick an emoji');
    for (const emoji of ['👍👍', 'Hello', 'é', '#', ':tada', 'a'.repeat(65), 'two words']) {
      await expect(messages().react(id, alice, emoji, true)).rejects.toMatchObject({
        status: 400,
        errors: [expect.objectContaining({ path: 'emoji' })],
      });
    }
    expect((await messages().get(id, alice)).reactions).toEqual([]);
  });

  it('holds the distinct-emoji cap under concurrent adds; on a full message an emoji it carries still counts', async () => {
    const workspace = await tier.make.workspace({ alice: 'member', bob: 'member', carol: 'member' });
    const users = [workspace.alice, workspace.bob, workspace.carol];
    const { id: channelId } = await tier.make.channel(workspace.id, workspace.alice, {
      members: users.slice(1),
    });
    const { id } = await tier.make.message(channelId, workspace.alice, 'a popular message');
    // 15 different emoji at once: the cap of 3 must hold however the adds interleave.
    const outcomes = await Promise.all(
      Array.from({ length: 15 }, (_, index) =>
        outcome(messages().react(id, users[index % users.length], `emoji_${index}`, true)),
      ),
    );
    expect(outcomes.filter((answer) => answer === 'ok')).toHaveLength(3);
    expect(outcomes.filter((answer) => answer === 409)).toHaveLength(12);
    const reactions = (await messages().get(id, workspace.alice)).reactions;
    expect(reactions).toHaveLength(3);
    const carried = reactions[0];
    const joiner = users.find((user) => !carried.userIds.includes(user))!;
    await messages().react(id, joiner, carried.emoji, true);
    expect(await outcome(messages().react(id, joiner, 'tada', true))).toBe(409);
    expect((await messages().get(id, joiner)).reactions[0]).toEqual({
      emoji: carried.emoji,
      count: 2,
      userIds: [...carried.userIds, joiner],
    });
  });

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

describe('search', () => {
  it('finds only what the caller may see, phrases too, and nothing for a stranger to the workspace', async () => {
    const { workspaceId, channelId, alice, bob } = await pair();
    const secret = await tier.make.channel(workspaceId, alice, { kind: 'private' });
    await tier.make.message(secret.id, alice, 'the zanzibar launch code');
    await tier.make.message(channelId, alice, 'zanzibar is public knowledge');
    const search = (userId: string, text: string) =>
      messages().search(workspaceId, userId, text, { limit: 50 });
    expect((await search(bob, 'zanzibar')).items.map((m) => m.text)).toEqual([
      'zanzibar is public knowledge',
    ]);
    expect((await search(alice, 'zanzibar')).items).toHaveLength(2);
    expect((await search(alice, '"launch code"')).items.map((m) => m.text)).toEqual([
      'the zanzibar launch code',
    ]);
    const stranger = await tier.make.user();
    expect(await outcome(search(stranger.id, 'zanzibar'))).toBe(404);
  });
});
