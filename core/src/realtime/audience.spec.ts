import type { StoredEvent } from '../events/events.repository';
import { audienceOf, canSee, ViewerScope } from './audience';

const ws = 'w1';
const event = (
  type: string,
  data: object,
  channelId: string | null = null,
  workspaceId: string | null = ws,
) =>
  ({
    seq: '1',
    id: 'e',
    type,
    workspaceId,
    channelId,
    data,
    createdAt: new Date(),
  }) as unknown as StoredEvent;

const viewer = (roles: [string, 'owner' | 'member' | 'guest'][], channelIds: string[] = []): ViewerScope => ({
  userId: 'u1',
  roles: new Map(roles),
  channelIds: new Set(channelIds),
});

describe('audience rules', () => {
  const member = viewer([[ws, 'member']], ['c1']);
  const guest = viewer([[ws, 'guest']], []);
  const outsider = viewer([['w2', 'owner']], []);

  it('sends channel events to channel members only', () => {
    const message = audienceOf(event('message.created', { channelId: 'c1' }, 'c1'));
    expect(canSee(message, member)).toBe(true);
    expect(canSee(audienceOf(event('message.created', {}, 'c2')), member)).toBe(false);
    expect(canSee(message, guest)).toBe(false);
    expect(canSee(message, outsider)).toBe(false);
  });

  it('announces public channels to non-guests, private ones only to members', () => {
    expect(canSee(audienceOf(event('channel.created', { kind: 'public' }, 'c9')), member)).toBe(true);
    expect(canSee(audienceOf(event('channel.created', { kind: 'public' }, 'c9')), guest)).toBe(false);
    expect(canSee(audienceOf(event('channel.created', { kind: 'private' }, 'c9')), member)).toBe(false);
    expect(canSee(audienceOf(event('channel.created', { kind: 'public' }, 'c9')), outsider)).toBe(false);
  });

  it('tells people who left, though they are no longer members', () => {
    expect(canSee(audienceOf(event('channel.member_left', { userId: 'u1' }, 'c5')), viewer([]))).toBe(true);
    expect(canSee(audienceOf(event('workspace.member_left', { userId: 'u1' })), viewer([]))).toBe(true);
    expect(canSee(audienceOf(event('workspace.member_left', { userId: 'u2' })), outsider)).toBe(false);
  });

  it("tells a reader's marker to the reader alone, though other members share the channel", () => {
    expect(canSee(audienceOf(event('channel.read', { userId: 'u1' }, 'c1')), member)).toBe(true);
    expect(canSee(audienceOf(event('channel.read', { userId: 'u2' }, 'c1')), member)).toBe(false);
  });

  it('keeps unshared uploads to the uploader and internal events to nobody', () => {
    expect(canSee(audienceOf(event('file.uploaded', { uploaderId: 'u1' })), member)).toBe(true);
    expect(canSee(audienceOf(event('file.uploaded', { uploaderId: 'u2' })), member)).toBe(false);
    expect(canSee(audienceOf(event('token.revoked', { userId: 'u1' }, null, null)), member)).toBe(false);
  });
});
