import { QueryClient } from '@tanstack/react-query';
import type { DomainEvent } from '@jokkaer/sdk-plugin/events';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../lib/api/client';
import { channelKeys } from '../sidebar/api';
import { neighbourChannel } from '../switcher/useChannelKeys';
import { applyUnreadEvent, badgeCount, findChannel, showsUnread } from './cache';

const ME = 'me';
const WS = 'ws';

function channel(id: string, extra: Partial<Channel> = {}): Channel {
  return {
    id,
    workspaceId: WS,
    name: id,
    kind: 'public',
    topic: '',
    archived: false,
    createdBy: 'someone',
    createdAt: '2026-03-01T10:00:00.000Z',
    isMember: true,
    muted: false,
    lastReadId: '0005',
    unreadCount: 0,
    mentionCount: 0,
    countedThroughId: '0005',
    ...extra,
  };
}

function created(channelId: string, id: string, userId: string, extra: object = {}): DomainEvent {
  return {
    type: 'message.created',
    data: {
      id,
      workspaceId: WS,
      channelId,
      userId,
      text: 'hi',
      threadId: null,
      replyCount: 0,
      reactions: [],
      files: [],
      mentions: [],
      clientMsgId: null,
      createdAt: '2026-03-01T10:00:00.000Z',
      editedAt: null,
      ...extra,
    },
  };
}

function cacheWith(...channels: Channel[]) {
  const client = new QueryClient();
  client.setQueryData(channelKeys.list(WS), { items: channels, nextCursor: null });
  return { client, get: (id: string) => findChannel(client, WS, id)! };
}

describe('unread counts kept live', () => {
  it('counts others’ new channel messages and mentions of the reader, never their own or thread replies', () => {
    const { client, get } = cacheWith(channel('general'));
    applyUnreadEvent(client, created('general', '0006', 'ada'), ME);
    applyUnreadEvent(client, created('general', '0007', 'ada', { mentions: [ME] }), ME);
    applyUnreadEvent(client, created('general', '0008', ME), ME);
    applyUnreadEvent(client, created('general', '0009', 'ada', { threadId: '0006', mentions: [ME] }), ME);
    expect(get('general')).toMatchObject({ unreadCount: 2, mentionCount: 1 });
    expect(badgeCount(get('general'))).toBe(1);
    expect(showsUnread(get('general'))).toBe(true);
  });

  it('counts a reply also sent to the channel once, with its mention', () => {
    const { client, get } = cacheWith(channel('general'));
    const broadcast = { threadId: '0006', alsoSentToChannel: true, mentions: [ME] };
    applyUnreadEvent(client, created('general', '0007', 'ada', broadcast), ME);
    applyUnreadEvent(client, created('general', '0007', 'ada', broadcast), ME);
    expect(get('general')).toMatchObject({ unreadCount: 1, mentionCount: 1 });
  });

  it('badges every unread message of a direct conversation, and takes the server’s counts on channel.read', () => {
    const { client, get } = cacheWith(channel('dm', { kind: 'dm' }));
    applyUnreadEvent(client, created('dm', '0006', 'ada'), ME);
    applyUnreadEvent(client, created('dm', '0007', 'ada'), ME);
    expect(badgeCount(get('dm'))).toBe(2);
    applyUnreadEvent(
      client,
      {
        type: 'channel.read',
        data: {
          workspaceId: WS,
          channelId: 'dm',
          userId: ME,
          lastReadId: '0007',
          unreadCount: 0,
          mentionCount: 0,
        },
      },
      ME,
    );
    expect(get('dm')).toMatchObject({ lastReadId: '0007', unreadCount: 0, mentionCount: 0 });
  });

  it('does not count twice a message the list fetched while its event was on the way already counted', () => {
    const { client, get } = cacheWith(
      channel('dm', { kind: 'dm', lastReadId: null, unreadCount: 2, countedThroughId: '0007' }),
    );
    applyUnreadEvent(client, created('dm', '0006', 'ada'), ME);
    applyUnreadEvent(client, created('dm', '0007', 'ada'), ME);
    expect(badgeCount(get('dm'))).toBe(2);
    applyUnreadEvent(client, created('dm', '0008', 'ada'), ME);
    expect(get('dm')).toMatchObject({ unreadCount: 3, countedThroughId: '0008' });
  });

  it('keeps a muted channel out of bold while its mentions still badge', () => {
    const { client, get } = cacheWith(channel('quiet', { muted: true }));
    applyUnreadEvent(client, created('quiet', '0006', 'ada', { mentions: [ME] }), ME);
    expect(showsUnread(get('quiet'))).toBe(false);
    expect(badgeCount(get('quiet'))).toBe(1);
  });

  it('walks the sidebar order with wrap-around, or only to unread channels', () => {
    const ordered = [channel('a'), channel('b'), channel('c', { unreadCount: 3 })];
    expect(neighbourChannel(ordered, 'a', 1, false)?.id).toBe('b');
    expect(neighbourChannel(ordered, 'a', -1, false)?.id).toBe('c');
    expect(neighbourChannel(ordered, 'a', 1, true)?.id).toBe('c');
    expect(neighbourChannel(ordered, 'c', 1, true)).toBeUndefined();
  });
});
