import type { ChannelRow } from '../channels/channels.repository';
import type { AppConfig } from '../config/config';
import type { EventFeed, FeedConsumer } from '../events/event-feed';
import type { EventsRepository, StoredEvent } from '../events/events.repository';
import { MembershipCache } from './membership-cache';
import type { MembershipsRepository } from './memberships.repository';

const channelRow: ChannelRow = {
  id: 'c1',
  workspaceId: 'w1',
  name: 'general',
  kind: 'public',
  topic: '',
  archived: false,
  dmKey: null,
  createdBy: 'u1',
  createdAt: new Date(0),
};

let seq = 0;
const event = (type: string, data: object) =>
  ({ seq: String(++seq), type, workspaceId: 'w1', channelId: 'c1', data }) as unknown as StoredEvent;
const left = (userId: string) => event('channel.member_left', { workspaceId: 'w1', channelId: 'c1', userId });
const joined = (userId: string) =>
  event('channel.member_joined', { workspaceId: 'w1', channelId: 'c1', userId });

function setUp() {
  let committed: (event: StoredEvent) => void = () => undefined;
  let fed: FeedConsumer = () => Promise.resolve();
  const events = { onCommitted: (listener: typeof committed) => (committed = listener) };
  const feed = { subscribe: (consumer: FeedConsumer) => (fed = consumer) };
  const members = ['u1', 'u2'];
  const repository = {
    channelWithMembers: jest.fn(() => Promise.resolve({ ...channelRow, memberIds: [...members] })),
    workspaceRoles: jest.fn(() => Promise.resolve([{ userId: 'u1', role: 'owner' }])),
  };
  const config = { membershipCacheMaxMembers: 1000, membershipCacheTtlSeconds: 60 } as AppConfig;
  const cache = new MembershipCache(
    repository as unknown as MembershipsRepository,
    events as unknown as EventsRepository,
    feed as unknown as EventFeed,
    config,
  );
  cache.onModuleInit();
  const memberIds = async () => [...((await cache.channel('c1'))?.memberIds ?? [])];
  return { cache, repository, members, memberIds, commit: (e: StoredEvent) => committed(e), feed: fed };
}

describe('MembershipCache', () => {
  it('loads a channel once and applies the feed’s membership events to it', async () => {
    const { repository, memberIds, feed } = setUp();
    expect(await memberIds()).toEqual(['u1', 'u2']);
    await feed([left('u2'), joined('u3')]);
    expect(await memberIds()).toEqual(['u1', 'u3']);
    expect(repository.channelWithMembers).toHaveBeenCalledTimes(1);
  });

  it('applies a rename or an archiving from the feed', async () => {
    const { cache, feed } = setUp();
    await cache.channel('c1');
    await feed([event('channel.archived', { ...channelRow, name: 'old', channelId: 'c1', archived: true })]);
    expect((await cache.channel('c1'))?.channel).toMatchObject({
      name: 'old',
      archived: true,
      kind: 'public',
    });
  });

  it('keeps workspace roles current', async () => {
    const { cache, repository, feed } = setUp();
    await cache.workspaceRoles('w1');
    const member = { workspaceId: 'w1', userId: 'u2', role: 'guest' };
    await feed([event('workspace.member_joined', member)]);
    expect([...(await cache.workspaceRoles('w1'))]).toEqual([
      ['u1', 'owner'],
      ['u2', 'guest'],
    ]);
    await feed([event('workspace.member_updated', { ...member, role: 'admin' })]);
    expect((await cache.workspaceRoles('w1')).get('u2')).toBe('admin');
    await feed([event('workspace.member_left', member)]);
    expect((await cache.workspaceRoles('w1')).has('u2')).toBe(false);
    expect(repository.workspaceRoles).toHaveBeenCalledTimes(1);
  });

  it('applies a change committed here at once, which no older event of the feed undoes', async () => {
    const { repository, memberIds, commit, feed } = setUp();
    await memberIds();
    // Another instance added u3 first; the feed has not brought that yet when u3 is removed here.
    const olderJoin = joined('u3');
    const otherJoin = joined('u4');
    const removal = left('u2');
    const u3Removal = left('u3');
    commit(removal);
    commit(u3Removal);
    expect(await memberIds()).toEqual(['u1']);
    await feed([olderJoin, otherJoin]);
    expect(await memberIds()).toEqual(['u1', 'u4']);
    await feed([removal, u3Removal]);
    expect(await memberIds()).toEqual(['u1', 'u4']);
    expect(repository.channelWithMembers).toHaveBeenCalledTimes(1);
  });

  it('does not keep a load that a change committed here overtook', async () => {
    const { repository, memberIds, commit } = setUp();
    const slow = memberIds();
    commit(left('u2'));
    expect(await slow).toEqual(['u1', 'u2']);
    await memberIds();
    expect(repository.channelWithMembers).toHaveBeenCalledTimes(2);
  });

  it('answers a load that an event overtook without keeping it', async () => {
    const { repository, memberIds, feed } = setUp();
    const slow = memberIds();
    await feed([left('u2')]);
    expect(await slow).toEqual(['u1', 'u2']);
    await memberIds();
    await memberIds();
    expect(repository.channelWithMembers).toHaveBeenCalledTimes(2);
  });

  it('shares one load among concurrent askers', async () => {
    const { repository, memberIds } = setUp();
    await Promise.all([memberIds(), memberIds(), memberIds()]);
    expect(repository.channelWithMembers).toHaveBeenCalledTimes(1);
  });
});
