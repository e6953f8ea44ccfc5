import type { ChannelView } from '../channels/channels.schemas';
import type { MessageView } from '../messages/messages.schemas';
import { avatarUrl } from '../profiles/profiles.schemas';
import { channelSlackId, formatTs, slackId } from './slack-ids';
import type { SlackMemberRow } from './slack.repository';

/** Native resources in Slack's shapes (the fields Slack apps read), named by Slack-shaped ids. */

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** Slack's `ts` of an instant (edits, channel creation): microseconds since the epoch. */
const tsOf = (iso: string) => formatTs(BigInt(Date.parse(iso)) * 1000n);

export function slackChannel(channel: ChannelView, viewerId: string, extra: { isMember?: boolean } = {}) {
  const dm = channel.kind === 'dm';
  const people = channel.memberIds ?? [];
  const other = dm && people.length === 2 ? people.find((id) => id !== viewerId) : undefined;
  return {
    id: channelSlackId(channel),
    name: channel.name ?? '',
    is_channel: channel.kind === 'public',
    is_group: channel.kind === 'private',
    is_im: dm && people.length <= 2,
    is_mpim: dm && people.length > 2,
    is_private: channel.kind !== 'public',
    is_archived: channel.archived,
    is_general: false,
    created: seconds(channel.createdAt),
    creator: slackId('U', channel.createdBy),
    context_team_id: slackId('T', channel.workspaceId),
    ...(extra.isMember !== undefined ? { is_member: extra.isMember } : {}),
    ...(other ? { user: slackId('U', other) } : {}),
    topic: { value: channel.topic, creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
  };
}

/** A Slack handle from a display name ("Ada Lovelace" → "ada.lovelace"). */
const handle = (displayName: string) =>
  displayName
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_-]+/gu, '.')
    .replace(/^\.+|\.+$/g, '') || 'user';

export function slackUser(
  member: SlackMemberRow,
  workspaceId: string,
  options: { withEmail: boolean; origin: string },
) {
  const image = avatarUrl(member.id, member.avatarVersion);
  return {
    id: slackId('U', member.id),
    team_id: slackId('T', workspaceId),
    name: handle(member.displayName),
    deleted: false,
    real_name: member.displayName,
    is_bot: member.isBot,
    is_app_user: false,
    is_admin: member.role === 'owner' || member.role === 'admin',
    is_owner: member.role === 'owner',
    is_restricted: member.role === 'guest',
    profile: {
      real_name: member.displayName,
      display_name: member.displayName,
      ...(options.withEmail && !member.isBot ? { email: member.email } : {}),
      ...(image ? { image_72: options.origin + image } : {}),
      ...(member.isBot ? { bot_id: slackId('B', member.id) } : {}),
    },
  };
}

/**
 * A message as Slack returns it (a reply also sent to the channel is a `thread_broadcast`). `threadTs` is its
 * thread root's ts (replies, and roots that have replies);
 * `isBot` says whether its author is a bot, whose messages carry a bot_id.
 */
export function slackMessage(
  message: MessageView,
  options: { isBot: boolean; threadTs?: string; origin: string },
) {
  const threadTs = options.threadTs ?? (message.replyCount > 0 ? message.ts : undefined);
  return {
    type: 'message',
    ...(message.alsoSentToChannel ? { subtype: 'thread_broadcast' } : {}),
    ts: message.ts,
    user: slackId('U', message.userId),
    ...(options.isBot ? { bot_id: slackId('B', message.userId) } : {}),
    ...(message.botProfile?.username ? { username: message.botProfile.username } : {}),
    ...(message.botProfile?.iconUrl ? { icons: { image_48: message.botProfile.iconUrl } } : {}),
    team: slackId('T', message.workspaceId),
    text: message.text,
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.attachments ? { attachments: message.attachments } : {}),
    ...(message.clientMsgId ? { client_msg_id: message.clientMsgId } : {}),
    ...(threadTs ? { thread_ts: threadTs } : {}),
    ...(message.threadId === null && message.replyCount > 0 ? { reply_count: message.replyCount } : {}),
    ...(message.editedAt
      ? { edited: { user: slackId('U', message.userId), ts: tsOf(message.editedAt) } }
      : {}),
    ...(message.reactions.length > 0
      ? {
          reactions: message.reactions.map((reaction) => ({
            name: reaction.emoji,
            count: reaction.count,
            users: reaction.userIds.map((id) => slackId('U', id)),
          })),
        }
      : {}),
    ...(message.files.length > 0
      ? {
          files: message.files.map((file) => ({
            id: slackId('F', file.id),
            name: file.name,
            title: file.name,
            mimetype: file.contentType,
            size: file.size,
            user: slackId('U', file.uploaderId),
            url_private: `${options.origin}/api/v1/files/${file.id}/content`,
          })),
        }
      : {}),
  };
}
