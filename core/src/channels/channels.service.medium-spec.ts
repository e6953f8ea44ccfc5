import type { Knex } from 'knex';
import { mediumTier, outcome } from '../../../fixtures/medium';
import { Database } from '../database/database';
import { MessagesModule } from '../messages/messages.module';
import { MessagesService } from '../messages/messages.service';
import { ChannelsModule } from './channels.module';
import { ChannelsService } from './channels.service';

const tier = mediumTier([ChannelsModule, MessagesModule]);

const channels = () => tier.get(ChannelsService);

/** A workspace with a member and a guest besides its owner. */
const team = () => tier.make.workspace({ member: 'member', guest: 'guest' });

const create = (workspaceId: string, userId: string, name: string, kind: 'public' | 'private' = 'public') =>
  channels().create(workspaceId, userId, { name, kind });

/** The channels `userId` sees in the workspace's list. */
const listed = async (workspaceId: string, userId: string) =>
  (await channels().list(workspaceId, userId, { limit: 200 })).items;
const names = (items: { name: string | null }[]) => items.map((item) => item.name);

describe('creating channels', () => {
  it('keeps names unique in a workspace, private ones too, and lets no guest create one', async () => {
    const { id, owner, member, guest } = await team();
    expect(await create(id, owner, 'general')).toMatchObject({
      workspaceId: id,
      name: 'general',
      kind: 'public',
    });
    expect(await outcome(create(id, member, 'general', 'private'))).toBe(409);
    await create(id, owner, 'secret-plans', 'private');
    expect(await outcome(create(id, member, 'secret-plans'))).toBe(409);
    expect(await outcome(create(id, guest, 'guests'))).toBe(403);
    // Another workspace has names of its own.
    const other = await tier.make.workspace();
    await create(other.id, other.owner, 'general');
  });
});

describe('who sees a channel', () => {
  it('keeps private channels invisible (404) to non-members, and guests to their own channels', async () => {
    const { id, owner, member, guest } = await team();
    const secret = await create(id, owner, 'secret-plans', 'private');
    const open = await create(id, owner, 'open-talk');

    expect(await outcome(channels().get(secret.id, member))).toBe(404);
    expect(await outcome(channels().join(secret.id, member))).toBe(404);
    expect(names(await listed(id, member))).toEqual(expect.arrayContaining(['open-talk']));
    expect(names(await listed(id, member))).not.toContain('secret-plans');

    expect(await outcome(channels().get(open.id, guest))).toBe(404);
    expect(await outcome(channels().join(open.id, guest))).toBe(404);
    expect(await listed(id, guest)).toEqual([]);

    await channels().addMember(secret.id, owner, guest);
    const guests = await listed(id, guest);
    expect(names(guests)).toEqual(['secret-plans']);
    expect(guests[0].isMember).toBe(true);
    expect(await channels().get(secret.id, guest)).toMatchObject({ id: secret.id });
  });
});

describe('membership', () => {
  it('joins and leaves public channels; members add people of the workspace, creators remove them', async () => {
    const { id, owner, member, guest } = await team();
    const channel = await tier.make.channel(id, owner);
    const isMember = async () => (await listed(id, member)).find((c) => c.id === channel.id)?.isMember;
    await channels().join(channel.id, member);
    expect(await isMember()).toBe(true);
    await channels().leave(channel.id, member);
    expect(await isMember()).toBe(false);

    const stranger = await tier.make.user();
    expect(await outcome(channels().addMember(channel.id, owner, stranger.id))).toBe(404);
    expect(await outcome(channels().addMember(channel.id, guest, member))).toBe(404);

    await channels().addMember(channel.id, owner, member);
    expect(await isMember()).toBe(true);
    expect(await outcome(channels().removeMember(channel.id, member, owner))).toBe(403);
    await channels().removeMember(channel.id, owner, member);
    expect(await isMember()).toBe(false);
    expect(await outcome(channels().removeMember(channel.id, owner, member))).toBe(404);
  });
});

describe('changing a channel', () => {
  it('lets members set the topic, the creator rename and archive; an archived channel takes no posts or topics until unarchived', async () => {
    const { id, owner, member } = await team();
    const channel = await tier.make.channel(id, owner, { members: [member] });
    expect((await channels().update(channel.id, member, { topic: 'Q3 planning' })).topic).toBe('Q3 planning');
    expect(await outcome(channels().update(channel.id, member, { name: 'renamed' }))).toBe(403);
    expect((await channels().update(channel.id, owner, { name: 'renamed-ok' })).name).toBe('renamed-ok');

    expect((await channels().update(channel.id, owner, { archived: true })).archived).toBe(true);
    expect(await outcome(tier.make.message(channel.id, member, 'hello?'))).toBe(409);
    expect(await outcome(channels().update(channel.id, member, { topic: 'x' }))).toBe(409);
    expect((await channels().update(channel.id, owner, { archived: false })).archived).toBe(false);
    const back = await tier.make.message(channel.id, member, 'back');
    expect((await tier.get(MessagesService).get(back.id, owner)).text).toBe('back');
  });
});

describe('direct conversations', () => {
  it('gives the same set of people the same conversation, visible to them only, with fixed people', async () => {
    const { id, owner, member, guest } = await team();
    const first = await channels().openDm(id, owner, [member]);
    expect(first).toMatchObject({
      created: true,
      dm: { kind: 'dm', name: null, memberIds: [owner, member].sort() },
    });
    // The channel list names a DM's people too (the client titles DMs and shows their presence from it).
    const dm = (await listed(id, member)).find((item) => item.id === first.dm.id);
    expect(dm?.memberIds).toEqual([owner, member].sort());
    const again = await channels().openDm(id, member, [owner]);
    expect(again).toMatchObject({ created: false, dm: { id: first.dm.id } });

    const group = await channels().openDm(id, owner, [member, guest]);
    expect(group.dm.id).not.toBe(first.dm.id);
    expect((await channels().openDm(id, guest, [owner, member])).dm.id).toBe(group.dm.id);

    const outsider = await tier.make.user();
    expect(await outcome(channels().get(first.dm.id, outsider.id))).toBe(404);
    expect(await outcome(channels().get(first.dm.id, guest))).toBe(404);
    await expect(channels().openDm(id, owner, [outsider.id])).rejects.toMatchObject({
      status: 400,
      errors: [{ path: 'userIds/0', message: 'is not a member of this workspace' }],
    });
    expect(await outcome(channels().addMember(first.dm.id, owner, guest))).toBe(403);
  });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}
const planNodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(planNodes)];

describe('the read marker', () => {
  it("is moved by a plan that reads the marked message by id, never a channel's every message or the channels table", async () => {
    const { id: workspaceId, owner, member } = await team();
    const { id: channelId } = await create(workspaceId, owner, 'busy');
    await channels().join(channelId, member);
    const posted = [];
    for (let n = 0; n < 30; n++) posted.push(await tier.make.message(channelId, owner, `message ${n}`));
    const db = tier.get(Database);
    // The statement as sent, prepared on the pool's connections: its generic plan is what most calls run.
    let statement: { sql: string; bindings: unknown[] } | undefined;
    const capture = (query: { sql: string; bindings: unknown[] }) => {
      if (query.sql.includes('UPDATE channel_members AS cm SET last_read_id')) statement = query;
    };
    db.knex.on('query', capture);
    await channels().markRead(channelId, member, { messageId: posted[5].id, markUnread: false });
    db.knex.off('query', capture);
    const nodes = await db.transaction(async () => {
      // As on a table too large to read whole. Here the table is one page, and once analysed (by autovacuum, in a
      // full run) reading it all is rightly the cheapest plan, which says nothing of the statement's shape.
      await db.conn.raw('SET LOCAL enable_seqscan = off');
      await db.conn.raw('SET LOCAL plan_cache_mode = force_generic_plan');
      await db.conn.raw(`PREPARE read_marker_plan AS ${statement!.sql}`);
      const explain = db.knex
        .raw(
          `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE read_marker_plan(${statement!.bindings.map(() => '?').join(', ')})`,
          statement!.bindings as Knex.RawBinding[],
        )
        .toQuery();
      const { rows } = await db.conn.raw<{ rows: { 'QUERY PLAN': [{ Plan: PlanNode }] }[] }>(explain);
      await db.conn.raw('DEALLOCATE read_marker_plan');
      return planNodes(rows[0]['QUERY PLAN'][0].Plan);
    });
    // Each read of messages as "how: condition | filter". An index serves a scan either directly (Index Scan, its
    // `Index Cond`) or through a bitmap (Bitmap Heap Scan, its `Recheck Cond`); which one the planner takes
    // depends on the statistics the files run before this one left, so both count as reading by index.
    const messageScans = nodes
      .filter((node) => node['Relation Name'] === 'messages')
      .map(
        (node) =>
          `${node['Node Type']}: ${node['Index Cond'] ?? node['Recheck Cond'] ?? ''} | ${node.Filter ?? ''}`,
      );
    // The marked message's id (`$3`, the statement's third binding) is an index condition, never a filter applied
    // to a channel's rows. (The unread count may filter: a member's own messages do not count.)
    expect(messageScans.filter((scan) => /\|.*\bid = /.test(scan))).toEqual([]);
    expect(messageScans).toContainEqual(expect.stringMatching(/^[^|]*\bid = \$3\b/));
    // The message before the marked one (where "mark unread" puts the marker) is looked up once, not once per use.
    // (Which index serves it, or the unread count, depends on the statistics: with a few messages per channel,
    // as the other files leave them, reading a channel's few rows from its `ts` index is as cheap.)
    expect(messageScans.filter((scan) => /\bid < /.test(scan))).toHaveLength(1);
    expect(
      nodes.filter((node) => node['Relation Name'] === 'channels').map((node) => node['Node Type']),
    ).not.toContain('Seq Scan');
  });
});
