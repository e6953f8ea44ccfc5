import { Model } from 'objection';
import type { Attachment, Block } from '../slack/block-kit.schemas';
import type { BotProfile } from './messages.schemas';

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
  /** Slack's `ts` in microseconds since the epoch (bigint, read as a string); unique within the channel. */
  ts!: string;
  blocks!: Block[] | null;
  attachments!: Attachment[] | null;
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
  'ts',
  'createdAt',
  'editedAt',
  'deletedAt',
] as const;
