import { Inject, Injectable } from '@nestjs/common';
import type { ChannelEvent, ChannelMemberEvent } from '../channels/channels.events';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import type { StoredEvent } from '../events/events.repository';
import type { MessageDeletedEvent, ReactionEvent } from '../messages/messages.events';
import type { MessageView } from '../messages/messages.schemas';
import type { WorkspaceMemberEvent } from '../workspaces/workspaces.events';
import { channelSlackId, formatTs, slackId, slackMentions } from './slack-ids';
import { slackMessage } from './slack-views';
import { SlackRepository } from './slack.repository';

/** The Slack event types an app may subscribe to, with the scope its install needs for each. */
export const SLACK_EVENT_SCOPES = {
  'message.channels': 'channels:history',
  'message.groups': 'channels:history',
  'message.im': 'channels:history',
  app_mention: 'channels:history',
  reaction_added: 'channels:history',
  reaction_removed: 'channels:history',
  member_joined_channel: 'channels:read',
  member_left_channel: 'channels:read',
  channel_created: 'channels:read',
  channel_archive: 'channels:read',
  channel_rename: 'channels:read',
  channel_unarchive: 'channels:read',
  team_join: 'users:read',
} as const;
export type SlackEventType = keyof typeof SLACK_EVENT_SCOPES;
export const SLACK_EVENT_TYPES = Object.keys(SLACK_EVENT_SCOPES) as SlackEventType[];

/** The native events each Slack event type is made from (a subscription listens to these). */
const SOURCES: Record<SlackEventType, string[]> = {
  'message.channels': ['message.created', 'message.updated', 'message.deleted'],
  'message.groups': ['message.created', 'message.updated', 'message.deleted'],
  'message.im': ['message.created', 'message.updated', 'message.deleted'],
  app_mention: ['message.created'],
  reaction_added: ['reaction.added'],
  reaction_removed: ['reaction.removed'],
  member_joined_channel: ['channel.member_joined'],
  member_left_channel: ['channel.member_left'],
  channel_created: ['channel.created'],
  channel_archive: ['channel.archived'],
  channel_rename: ['channel.updated'],
  channel_unarchive: ['channel.updated'],
  team_join: ['workspace.member_joined'],
};

export const nativeEventsFor = (types: string[]): string[] => [
  ...new Set(types.flatMap((type) => SOURCES[type as SlackEventType] ?? [])),
];

/** An installed Slack app's event subscription, as the fan-out knows it. */
export interface SlackSubscriber {
  workspaceId: string;
  botUserId: string;
  appId: string;
  clientId: string;
  slackEvents: string[];
  scopes: string[];
}

const MESSAGE_SUBSCRIPTION: Record<string, SlackEventType> = {
  public: 'message.channels',
  private: 'message.groups',
  dm: 'message.im',
};
const CHANNEL_TYPE: Record<string, string> = { public: 'channel', private: 'group', dm: 'im' };

const seconds = (date: Date | string) => Math.floor(new Date(date).getTime() / 1000);
const tsOfInstant = (date: Date | string) => formatTs(BigInt(new Date(date).getTime()) * 1000n);

/**
 * Domain events as the Slack Events API sends them: each becomes zero or more `event_callback` envelopes
 * (a message mentioning the bot is both `message` and `app_mention`), limited to the types the app subscribed
 * to and its install's scopes allow. Who may see what (channels) the fan-out has already decided.
 */
@Injectable()
export class SlackEvents {
  constructor(
    private readonly repository: SlackRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async envelopes(event: StoredEvent, subscriber: SlackSubscriber): Promise<string[]> {
    const wanted = (type: SlackEventType) =>
      subscriber.slackEvents.includes(type) && subscriber.scopes.includes(SLACK_EVENT_SCOPES[type]);
    const inner = await this.translate(event, subscriber, wanted);
    const teamId = slackId('T', subscriber.workspaceId);
    return inner.map((slackEvent, part) =>
      JSON.stringify({
        token: subscriber.clientId,
        team_id: teamId,
        api_app_id: slackId('A', subscriber.appId),
        event: slackEvent,
        type: 'event_callback',
        event_id: `Ev${BigInt(event.seq).toString(36).toUpperCase()}${part}`,
        event_time: seconds(event.createdAt),
        authorizations: [
          {
            enterprise_id: null,
            team_id: teamId,
            user_id: slackId('U', subscriber.botUserId),
            is_bot: true,
            is_enterprise_install: false,
          },
        ],
        is_ext_shared_channel: false,
        event_context: `${teamId}-${event.id}`,
      }),
    );
  }

  private async translate(
    event: StoredEvent,
    subscriber: SlackSubscriber,
    wanted: (type: SlackEventType) => boolean,
  ): Promise<Record<string, unknown>[]> {
    const team = slackId('T', subscriber.workspaceId);
    switch (event.type) {
      case 'message.created':
      case 'message.updated':
      case 'message.deleted':
        return await this.messageEvents(event, subscriber, wanted);
      case 'reaction.added':
      case 'reaction.removed': {
        const type = event.type === 'reaction.added' ? 'reaction_added' : 'reaction_removed';
        if (!wanted(type)) return [];
        const reaction = event.data as ReactionEvent;
        const kind = await this.repository.channelKind(reaction.channelId);
        const stamp = (await this.repository.messageStamps([reaction.messageId])).get(reaction.messageId);
        if (!kind || !stamp) return [];
        return [
          {
            type,
            user: slackId('U', reaction.userId),
            reaction: reaction.emoji,
            item: {
              type: 'message',
              channel: channelSlackId({ id: reaction.channelId, kind }),
              ts: formatTs(stamp.ts),
            },
            item_user: slackId('U', stamp.userId),
            event_ts: tsOfInstant(event.createdAt),
          },
        ];
      }
      case 'channel.member_joined':
      case 'channel.member_left': {
        const type = event.type === 'channel.member_joined' ? 'member_joined_channel' : 'member_left_channel';
        if (!wanted(type)) return [];
        const member = event.data as ChannelMemberEvent;
        const kind = await this.repository.channelKind(member.channelId);
        if (!kind || kind === 'dm') return [];
        const channel = channelSlackId({ id: member.channelId, kind });
        return [
          {
            type,
            user: slackId('U', member.userId),
            channel,
            channel_type: channel[0],
            team,
            ...(member.actorId && type === 'member_joined_channel'
              ? { inviter: slackId('U', member.actorId) }
              : {}),
            event_ts: tsOfInstant(event.createdAt),
          },
        ];
      }
      case 'channel.created':
      case 'channel.archived': {
        const type = event.type === 'channel.created' ? 'channel_created' : 'channel_archive';
        const channel = event.data as ChannelEvent;
        if (!wanted(type) || channel.kind === 'dm') return [];
        const id = channelSlackId(channel);
        const body =
          type === 'channel_created'
            ? {
                channel: {
                  id,
                  name: channel.name,
                  created: seconds(channel.createdAt),
                  creator: slackId('U', channel.createdBy),
                },
              }
            : { channel: id };
        return [{ type, ...body, event_ts: tsOfInstant(event.createdAt) }];
      }
      case 'channel.updated':
        return await this.channelChanges(event, wanted);
      case 'workspace.member_joined': {
        if (!wanted('team_join')) return [];
        const member = event.data as WorkspaceMemberEvent;
        return [
          {
            type: 'team_join',
            user: {
              id: slackId('U', member.userId),
              team_id: team,
              name: member.displayName,
              real_name: member.displayName,
              deleted: false,
              is_bot: member.isBot,
              is_admin: member.role === 'owner' || member.role === 'admin',
              is_owner: member.role === 'owner',
              profile: { real_name: member.displayName, display_name: member.displayName },
            },
            event_ts: tsOfInstant(event.createdAt),
          },
        ];
      }
      default:
        return [];
    }
  }

  /**
   * `channel_rename` and `channel_unarchive`, told apart from other changes (a topic) by the channel's state
   * before this event. Public and private channels only, as on Slack.
   */
  private async channelChanges(
    event: StoredEvent,
    wanted: (type: SlackEventType) => boolean,
  ): Promise<Record<string, unknown>[]> {
    const channel = event.data as ChannelEvent;
    if (channel.kind === 'dm' || !(wanted('channel_rename') || wanted('channel_unarchive'))) return [];
    const before = await this.repository.channelBefore(channel.channelId, event.seq);
    if (!before) return [];
    const id = channelSlackId(channel);
    const eventTs = tsOfInstant(event.createdAt);
    const result: Record<string, unknown>[] = [];
    if (wanted('channel_rename') && before.name !== channel.name) {
      result.push({
        type: 'channel_rename',
        channel: { id, name: channel.name, created: seconds(channel.createdAt) },
        event_ts: eventTs,
      });
    }
    if (wanted('channel_unarchive') && before.archived && !channel.archived) {
      // No `user`: the native event does not say who unarchived it.
      result.push({ type: 'channel_unarchive', channel: id, event_ts: eventTs });
    }
    return result;
  }

  /** `message` (new, `message_changed`, `message_deleted`) and `app_mention` when the bot is mentioned. */
  private async messageEvents(
    event: StoredEvent,
    subscriber: SlackSubscriber,
    wanted: (type: SlackEventType) => boolean,
  ): Promise<Record<string, unknown>[]> {
    const data = event.data as MessageView | MessageDeletedEvent;
    const kind = await this.repository.channelKind(data.channelId);
    if (!kind) return [];
    const channel = channelSlackId({ id: data.channelId, kind });
    const place = { channel, channel_type: CHANNEL_TYPE[kind] };
    const messages = wanted(MESSAGE_SUBSCRIPTION[kind]);
    const threadId = data.threadId;
    const stamps = await this.repository.messageStamps([
      ...(threadId ? [threadId] : []),
      ...(event.type === 'message.deleted' ? [data.id] : []),
    ]);
    const threadStamp = threadId ? stamps.get(threadId) : undefined;
    const threadTs = threadStamp ? formatTs(threadStamp.ts) : undefined;
    if (event.type === 'message.deleted') {
      const deleted = stamps.get(data.id);
      if (!messages || !deleted) return [];
      const ts = tsOfInstant(event.createdAt);
      return [
        {
          type: 'message',
          subtype: 'message_deleted',
          hidden: true,
          ...place,
          ts,
          deleted_ts: formatTs(deleted.ts),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          event_ts: ts,
        },
      ];
    }
    const view = data as MessageView;
    const isBot = (await this.repository.botIds([view.userId])).has(view.userId);
    const message = {
      ...slackMessage(view, { isBot, threadTs, origin: this.config.publicUrl }),
      text: slackMentions(view.text),
    };
    if (event.type === 'message.updated') {
      if (!messages) return [];
      const ts = tsOfInstant(event.createdAt);
      return [
        { type: 'message', subtype: 'message_changed', hidden: true, ...place, message, ts, event_ts: ts },
      ];
    }
    const result: Record<string, unknown>[] = [];
    if (messages) {
      // A bot's broadcast reply stays a thread_broadcast (with its bot_id), as on Slack.
      const botMessage = isBot && !view.alsoSentToChannel;
      result.push({
        ...message,
        ...(botMessage ? { subtype: 'bot_message' } : {}),
        ...place,
        event_ts: view.ts,
      });
    }
    if (wanted('app_mention') && view.mentions.includes(subscriber.botUserId)) {
      const { type: _message, ...fields } = message;
      result.push({ type: 'app_mention', ...fields, channel, event_ts: view.ts });
    }
    return result;
  }
}
