import type { FromSchema } from 'json-schema-to-ts';
import { pageQuerySchema } from '../common/pagination';
import type { Attachment, Block } from '../slack/block-kit.schemas';
import { MAX_TEXT_LENGTH } from '@jokkaer/sdk-plugin';
import { richContent, textUnlessRich } from '../messages/messages.schemas';

/** How far ahead a message may be scheduled, as on Slack. */
export const MAX_SCHEDULE_DAYS = 120;

export const SCHEDULED_STATUSES = ['pending', 'sent', 'failed'] as const;
export type ScheduledStatus = (typeof SCHEDULED_STATUSES)[number];

const text = { type: 'string', maxLength: MAX_TEXT_LENGTH } as const;
const postAt = { type: 'string', format: 'date-time' } as const;

/** Text (or blocks or attachments alone), when to post it, and the thread root it answers if any. */
export const scheduleMessageSchema = {
  type: 'object',
  properties: { text, threadId: { type: 'string', format: 'uuid' }, postAt, ...richContent },
  required: ['postAt'],
  ...textUnlessRich,
  additionalProperties: false,
} as const;
export interface ScheduleMessageBody {
  text?: string;
  threadId?: string;
  postAt: string;
  blocks?: Block[] | null;
  attachments?: Attachment[] | null;
}

/** A pending message's new text or time (or both). */
export const editScheduledMessageSchema = {
  type: 'object',
  properties: { text: { ...text, minLength: 1 }, postAt },
  minProperties: 1,
  additionalProperties: false,
} as const;
export type EditScheduledMessageBody = FromSchema<typeof editScheduledMessageSchema>;

/** The caller's own scheduled messages, soonest first; `status` narrows them (pending, sent, failed). */
export const scheduledListQuerySchema = {
  type: 'object',
  properties: { ...pageQuerySchema.properties, status: { type: 'string', enum: SCHEDULED_STATUSES } },
  additionalProperties: false,
} as const;
export interface ScheduledListQuery {
  limit: number;
  cursor?: string;
  status?: ScheduledStatus;
}

export const scheduledMessageViewSchema = {
  title: 'ScheduledMessageView',
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    workspaceId: { type: 'string', format: 'uuid' },
    channelId: { type: 'string', format: 'uuid' },
    userId: { type: 'string', format: 'uuid' },
    text: { type: 'string' },
    blocks: { type: ['array', 'null'], items: { type: 'object', additionalProperties: true } },
    attachments: { type: ['array', 'null'], items: { type: 'object', additionalProperties: true } },
    threadId: { type: ['string', 'null'], format: 'uuid' },
    postAt: { type: 'string', format: 'date-time' },
    /** pending until posted (sent, with its messageId) or refused at posting time (failed, with the reason). */
    status: { type: 'string', enum: SCHEDULED_STATUSES },
    messageId: { type: ['string', 'null'], format: 'uuid' },
    failure: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: [
    'id',
    'workspaceId',
    'channelId',
    'userId',
    'text',
    'blocks',
    'attachments',
    'threadId',
    'postAt',
    'status',
    'messageId',
    'failure',
    'createdAt',
  ],
  additionalProperties: false,
} as const;

export interface ScheduledMessageView {
  id: string;
  workspaceId: string;
  channelId: string;
  userId: string;
  text: string;
  blocks: Block[] | null;
  attachments: Attachment[] | null;
  threadId: string | null;
  postAt: string;
  status: ScheduledStatus;
  messageId: string | null;
  failure: string | null;
  createdAt: string;
}
