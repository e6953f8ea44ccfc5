import { MAX_TEXT_LENGTH } from '@jokkaer/sdk-plugin';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/**
 * The arguments of each Web API method, as Slack documents them. Form bodies carry every value as text, so
 * they are checked with coercion (`limit=20`, `is_private=true`); arguments Slack has and this server does not
 * use are let through, as Slack ignores what it does not know.
 */
const id = { type: 'string', minLength: 1, maxLength: 100 } as const;
const ts = { type: 'string', pattern: '^\\d{1,12}\\.\\d{6}$' } as const;
const text = { type: 'string', maxLength: MAX_TEXT_LENGTH } as const;
const cursor = { type: 'string', maxLength: 500 } as const;
/** conversations.history's `latest`/`oldest`: a ts, or seconds with fewer decimals ("0", "1712345678"). */
const tsBound = { type: 'string', pattern: '^\\d{1,12}(\\.\\d{0,6})?$' } as const;
const limit = { type: 'integer', minimum: 1, maximum: 1000 } as const;
/** Block Kit content, checked in full by the messages service (slack/block-kit.schemas.ts). */
const blocks = { type: 'array', items: { type: 'object' } } as const;
const attachments = { type: 'array', items: { type: 'object' } } as const;

const args = (properties: Record<string, JSONSchema>, required: string[] = []): JSONSchema => ({
  type: 'object',
  properties,
  required,
});

export const SLACK_ARGUMENTS: Record<string, JSONSchema> = {
  'api.test': args({ error: { type: 'string', maxLength: 100 } }),
  'auth.test': args({}),
  'team.info': args({ team: id }),
  'bots.info': args({ bot: id }),
  'chat.postMessage': args(
    {
      channel: id,
      text,
      blocks,
      attachments,
      thread_ts: ts,
      reply_broadcast: { type: 'boolean' },
      username: { type: 'string', minLength: 1, maxLength: 80 },
      icon_url: { type: 'string', maxLength: 2048, pattern: '^https?://' },
      client_msg_id: { type: 'string', minLength: 1, maxLength: 128 },
    },
    ['channel'],
  ),
  'chat.scheduleMessage': args(
    { channel: id, text, blocks, attachments, thread_ts: ts, post_at: { type: 'integer' } },
    ['channel', 'post_at'],
  ),
  'chat.deleteScheduledMessage': args({ channel: id, scheduled_message_id: id }, [
    'channel',
    'scheduled_message_id',
  ]),
  'chat.scheduledMessages.list': args({ channel: id, cursor, limit }),
  'chat.postEphemeral': args({ channel: id, user: id, text, blocks, attachments, thread_ts: ts }, [
    'channel',
    'user',
  ]),
  'chat.update': args({ channel: id, ts, text, blocks, attachments }, ['channel', 'ts']),
  'chat.delete': args({ channel: id, ts }, ['channel', 'ts']),
  'chat.getPermalink': args({ channel: id, message_ts: ts }, ['channel', 'message_ts']),
  'conversations.list': args({
    cursor,
    limit,
    types: { type: 'string' },
    exclude_archived: { type: 'boolean' },
  }),
  'conversations.info': args({ channel: id }, ['channel']),
  'conversations.history': args(
    { channel: id, cursor, limit, latest: tsBound, oldest: tsBound, inclusive: { type: 'boolean' } },
    ['channel'],
  ),
  'conversations.replies': args({ channel: id, ts, cursor, limit }, ['channel', 'ts']),
  'conversations.members': args({ channel: id, cursor, limit }, ['channel']),
  'conversations.join': args({ channel: id }, ['channel']),
  'conversations.leave': args({ channel: id }, ['channel']),
  'conversations.open': args({ users: { type: 'string', minLength: 1, maxLength: 2000 }, channel: id }),
  'conversations.create': args(
    { name: { type: 'string', minLength: 1, maxLength: 80 }, is_private: { type: 'boolean' } },
    ['name'],
  ),
  'conversations.invite': args({ channel: id, users: { type: 'string', minLength: 1, maxLength: 2000 } }, [
    'channel',
    'users',
  ]),
  'conversations.archive': args({ channel: id }, ['channel']),
  'users.info': args({ user: id }, ['user']),
  'users.list': args({ cursor, limit }),
  'users.lookupByEmail': args({ email: { type: 'string', minLength: 3, maxLength: 320 } }, ['email']),
  'users.conversations': args({ cursor, limit, types: { type: 'string' } }),
  'reactions.add': args(
    { channel: id, timestamp: ts, name: { type: 'string', minLength: 1, maxLength: 66 } },
    ['channel', 'timestamp', 'name'],
  ),
  'reactions.remove': args(
    { channel: id, timestamp: ts, name: { type: 'string', minLength: 1, maxLength: 66 } },
    ['channel', 'timestamp', 'name'],
  ),
  'reactions.get': args({ channel: id, timestamp: ts }, ['channel', 'timestamp']),
  'files.getUploadURLExternal': args(
    {
      filename: { type: 'string', minLength: 1, maxLength: 255 },
      length: { type: 'integer', minimum: 0 },
      alt_text: { type: 'string', maxLength: 1000 },
      snippet_type: { type: 'string', maxLength: 100 },
    },
    ['filename', 'length'],
  ),
  'views.open': args({ trigger_id: id, view: { type: 'object' } }, ['trigger_id', 'view']),
  'views.push': args({ trigger_id: id, view: { type: 'object' } }, ['trigger_id', 'view']),
  'views.update': args({ view_id: id, hash: id, view: { type: 'object' } }, ['view_id', 'view']),
  'files.completeUploadExternal': args(
    {
      files: {
        type: 'array',
        minItems: 1,
        maxItems: 10,
        items: {
          type: 'object',
          properties: { id, title: { type: 'string', maxLength: 255 } },
          required: ['id'],
        },
      },
      channel_id: id,
      initial_comment: text,
      thread_ts: ts,
    },
    ['files'],
  ),
};

/** Arguments sent as JSON text inside a form body (WebClient encodes arrays and objects so). */
export const JSON_ARGUMENTS = ['blocks', 'attachments', 'files', 'view'] as const;

/** An answer of the Web API: Slack's envelope, with the HTTP status and headers it goes with. */
export interface SlackAnswer {
  status: number;
  headers: Record<string, string>;
  body: { ok: boolean; [field: string]: unknown };
}

/** A Slack error code (`channel_not_found`), with the fields Slack puts beside it (`needed`, `provided`…). */
export class SlackError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

/** A click or choice on a control: which one, and what was chosen (a button's value is the one it has). */
export const blockActionProperties = {
  blockId: { type: 'string', minLength: 1, maxLength: 255 },
  actionId: { type: 'string', minLength: 1, maxLength: 255 },
  selectedOption: { type: 'string', maxLength: 2000 },
  selectedUser: { type: 'string', format: 'uuid' },
  selectedChannel: { type: 'string', format: 'uuid' },
  selectedDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
} as const;
export type BlockActionBody = FromSchema<{
  type: 'object';
  properties: typeof blockActionProperties;
  required: ['blockId', 'actionId'];
  additionalProperties: false;
}>;

/**
 * A modal's submission from the web client: what the person filled in, by block_id and action_id (text, a
 * chosen option's value, the values of checked boxes, a date).
 */
export const viewSubmitSchema = {
  type: 'object',
  properties: {
    values: {
      type: 'object',
      maxProperties: 100,
      additionalProperties: {
        type: 'object',
        maxProperties: 1,
        additionalProperties: {
          anyOf: [
            { type: 'string', maxLength: 3000 },
            { type: 'array', items: { type: 'string', maxLength: 2000 }, maxItems: 10 },
            { type: 'null' },
          ],
        },
      },
    },
  },
  required: ['values'],
  additionalProperties: false,
} as const;
export type ViewSubmitBody = FromSchema<typeof viewSubmitSchema>;

/** A click or choice on a control inside a modal, with what the modal's inputs hold at that moment. */
export const viewActionSchema = {
  type: 'object',
  properties: { ...blockActionProperties, values: viewSubmitSchema.properties.values },
  required: ['blockId', 'actionId', 'values'],
  additionalProperties: false,
} as const;
export type ViewActionBody = FromSchema<typeof viewActionSchema>;

export const viewActionResultSchema = {
  title: 'ViewActionResult',
  type: 'object',
  properties: { delivered: { type: 'boolean' } },
  required: ['delivered'],
  additionalProperties: false,
} as const;

/** What a submission did to the modal: closed it, updated or pushed a view, or errors on named inputs. */
export const viewSubmitResultSchema = {
  title: 'ViewSubmitResult',
  type: 'object',
  properties: {
    result: { type: 'string', enum: ['closed', 'updated', 'pushed', 'errors'] },
    errors: { type: 'object', additionalProperties: { type: 'string' } },
  },
  required: ['result'],
  additionalProperties: false,
} as const;
