import { UUID_SOURCE } from '@jokkaer/sdk-plugin';
import { channelSlackId, slackId } from '../slack/slack-ids';

const UUID = UUID_SOURCE;
const MENTION = new RegExp(`&lt;@(${UUID})&gt;`, 'gi');
const CHANNEL_LINK = new RegExp(`\\[#((?:\\\\.|[^\\]\\\\])+)\\]\\(/w/${UUID}/c/(${UUID})\\)`, 'gi');

/** Where the conversations of the export are: a channel link becomes Slack's `<#C…|name>` only for those. */
export type ExportedChannels = ReadonlyMap<string, { kind: string }>;

/**
 * A message's text in Slack's markup (https://api.slack.com/reference/surfaces/formatting): `&`, `<` and `>`
 * as entities, our mentions `<@id>` as `<@U…>`, and our links to an exported channel as `<#C…|name>`. The
 * rest (markdown) stays as written.
 */
export function toSlackText(text: string, channels: ExportedChannels): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MENTION, (_whole, userId: string) => `<@${slackId('U', userId.toLowerCase())}>`)
    .replace(CHANNEL_LINK, (whole, name: string, channelId: string) => {
      const channel = channels.get(channelId.toLowerCase());
      if (!channel) return whole;
      return `<#${channelSlackId({ id: channelId.toLowerCase(), kind: channel.kind })}|${name.replace(/\\(.)/g, '$1')}>`;
    });
}
