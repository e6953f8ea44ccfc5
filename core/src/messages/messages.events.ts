import type { MessageView } from './messages.schemas';

export interface MessageDeletedEvent {
  id: string;
  workspaceId: string;
  channelId: string;
  threadId: string | null;
}

export interface ReactionEvent {
  workspaceId: string;
  channelId: string;
  messageId: string;
  userId: string;
  emoji: string;
}

export interface MessageEvents {
  'message.created': MessageView;
  'message.updated': MessageView;
  'message.deleted': MessageDeletedEvent;
  'reaction.added': ReactionEvent;
  'reaction.removed': ReactionEvent;
}
