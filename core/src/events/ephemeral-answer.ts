import type { RichContent } from '../messages/messages.schemas';
import type { EventBus } from './event-bus';

/** A message for one person's eyes: shown under the conversation as "only visible to you", never stored. */
export interface EphemeralAnswer extends RichContent {
  /** Whose open sockets (on every instance) get it. */
  to: string;
  channelId: string;
  threadId: string | null;
  /** Who answers (an app's bot, the caller of chat.postEphemeral). */
  from: string;
  text: string;
}

/** Sends it as the socket's `command.response` frame, which the web client shows under the conversation. */
export function publishEphemeralAnswer(bus: EventBus, answer: EphemeralAnswer): void {
  const { to, channelId, threadId, from, text, blocks, attachments } = answer;
  bus.publishEphemeral(
    {
      kind: 'user_frame',
      userId: to,
      frame: {
        type: 'command.response',
        channelId,
        threadId,
        userId: from,
        text,
        ...(blocks?.length ? { blocks } : {}),
        ...(attachments?.length ? { attachments } : {}),
      },
    },
    true,
  );
}
