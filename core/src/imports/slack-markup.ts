/** What Slack ids in a text become here: a user's id, a conversation's id and name. */
export interface MarkupTargets {
  userId(slackUserId: string): string | undefined;
  channel(slackChannelId: string): { id: string; name: string } | undefined;
  /** Where a channel is read in the web client (a relative link the markdown renderer keeps). */
  channelPath(channelId: string): string;
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&' };
const decodeEntities = (text: string) => text.replace(/&(lt|gt|amp);/g, (entity) => ENTITIES[entity]);
/** Square brackets would end a markdown link's label early. */
const label = (text: string) => decodeEntities(text).replace(/[[\]]/g, '\\$&');

/**
 * Slack's message markup (https://api.slack.com/reference/surfaces/formatting) as our messages write it:
 * `<@U…>` becomes our mention `<@id>` (the name, when the person is unknown), `<#C…|name>` a link to the
 * channel, `<url|label>` a markdown link, `<!here>`/`<!channel>`/`<!everyone>` the words `@here`… (stored
 * history notifies nobody), `<!subteam^…|@team>` and `<!date^…|fallback>` their fallback text, and the
 * `&lt;` `&gt;` `&amp;` entities their characters. Returns the text and the user ids it mentions.
 */
export function convertSlackMarkup(
  text: string,
  targets: MarkupTargets,
): { text: string; mentions: string[] } {
  const mentions = new Set<string>();
  const converted = text.replace(/<([^<>]*)>/g, (_whole, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar === -1 ? inner : inner.slice(0, bar);
    const shown = bar === -1 ? undefined : inner.slice(bar + 1);
    if (target.startsWith('@')) {
      const userId = targets.userId(target.slice(1));
      if (userId) {
        mentions.add(userId);
        return `<@${userId}>`;
      }
      return `@${decodeEntities(shown ?? target.slice(1))}`;
    }
    if (target.startsWith('#')) {
      const channel = targets.channel(target.slice(1));
      const name = channel?.name ?? shown ?? target.slice(1);
      return channel ? `[#${label(name)}](${targets.channelPath(channel.id)})` : `#${decodeEntities(name)}`;
    }
    if (target.startsWith('!')) {
      const command = target.slice(1).split('^')[0];
      if (['here', 'channel', 'everyone'].includes(command)) return `@${command}`;
      return decodeEntities(shown ?? `@${command}`);
    }
    const url = decodeEntities(target);
    if (!/^(https?|mailto|tel):/i.test(url)) return decodeEntities(shown ?? inner);
    return shown === undefined
      ? `<${url}>`
      : `[${label(shown)}](${url.replace(/[()\s]/g, encodeURIComponent)})`;
  });
  return { text: decodeEntities(converted), mentions: [...mentions] };
}
