import { Model } from 'objection';

/** Slack's `username`/`icon_url` on a post through an incoming webhook. */
export interface BotProfile {
  username?: string;
  iconUrl?: string;
}

export class MessageModel extends Model {
  static override tableName = 'messages';
  id!: string;
  workspaceId!: string;
  channelId!: string;
  userId!: string;
  text!: string;
  threadId!: string | null;
  replyCount!: number;
  clientMsgId!: string | null;
  botProfile!: BotProfile | null;
  createdAt!: Date;
  editedAt!: Date | null;
  deletedAt!: Date | null;
}

/** Every column but the generated `search` vector, which no caller needs to read back. */
export const MESSAGE_COLUMNS = [
  'id',
  'workspaceId',
  'channelId',
  'userId',
  'text',
  'threadId',
  'botProfile',
  'replyCount',
  'clientMsgId',
  'createdAt',
  'editedAt',
  'deletedAt',
] as const;
