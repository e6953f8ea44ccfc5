import type { JSONSchema } from 'json-schema-to-ts';

/**
 * The Block Kit subset messages accept (Slack's limits), and legacy attachments. Each block and element is
 * chosen by its `type` through if/then, so an unknown type is refused at its own path (`blocks/3/type`) and a
 * known one is checked against its own shape only.
 */

const plainText = {
  type: 'object',
  properties: {
    type: { const: 'plain_text' },
    text: { type: 'string', minLength: 1, maxLength: 3000 },
    emoji: { type: 'boolean' },
  },
  required: ['type', 'text'],
  additionalProperties: false,
} as const;

const textObject = {
  type: 'object',
  properties: {
    type: { enum: ['plain_text', 'mrkdwn'] },
    text: { type: 'string', minLength: 1, maxLength: 3000 },
    emoji: { type: 'boolean' },
    verbatim: { type: 'boolean' },
  },
  required: ['type', 'text'],
  additionalProperties: false,
} as const;

const url = { type: 'string', minLength: 1, maxLength: 3000, pattern: '^https?://' } as const;
const actionId = { type: 'string', minLength: 1, maxLength: 255 } as const;
const blockId = { type: 'string', minLength: 1, maxLength: 255 } as const;

const option = {
  type: 'object',
  properties: {
    text: textObject,
    value: { type: 'string', minLength: 1, maxLength: 150 },
    description: textObject,
    url,
  },
  required: ['text', 'value'],
  additionalProperties: false,
} as const;

const confirm = {
  type: 'object',
  properties: {
    title: plainText,
    text: textObject,
    confirm: plainText,
    deny: plainText,
    style: { enum: ['primary', 'danger'] },
  },
  required: ['title', 'text', 'confirm', 'deny'],
  additionalProperties: false,
} as const;

const placeholder = plainText;

type DefName = 'option' | 'confirm' | 'element' | 'accessory' | 'block' | 'inputElement' | 'viewBlock';

/** A part defined once in DEFS (below). */
function ref(name: DefName): JSONSchema {
  return { $ref: `#/$defs/${name}` };
}

/** An element schema: its `type` constant plus its own fields (every element may carry action_id). */
const element = (type: string, properties: Record<string, JSONSchema>, required: string[] = []) =>
  ({
    type: 'object',
    properties: { type: { const: type }, action_id: actionId, ...properties },
    required: ['type', ...required],
    additionalProperties: false,
  }) as const;

const ELEMENTS: Record<string, JSONSchema> = {
  button: element(
    'button',
    {
      text: {
        ...plainText,
        properties: { ...plainText.properties, text: { type: 'string', minLength: 1, maxLength: 75 } },
      },
      url,
      value: { type: 'string', maxLength: 2000 },
      style: { enum: ['primary', 'danger'] },
      confirm: ref('confirm'),
      accessibility_label: { type: 'string', maxLength: 75 },
    },
    ['text'],
  ),
  static_select: element('static_select', {
    placeholder,
    options: { type: 'array', items: ref('option'), minItems: 1, maxItems: 100 },
    option_groups: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: {
        type: 'object',
        properties: {
          label: plainText,
          options: { type: 'array', items: ref('option'), minItems: 1, maxItems: 100 },
        },
        required: ['label', 'options'],
        additionalProperties: false,
      },
    },
    initial_option: ref('option'),
    confirm: ref('confirm'),
    focus_on_load: { type: 'boolean' },
  }),
  users_select: element('users_select', {
    placeholder,
    initial_user: { type: 'string', minLength: 1 },
    confirm: ref('confirm'),
    focus_on_load: { type: 'boolean' },
  }),
  conversations_select: element('conversations_select', {
    placeholder,
    initial_conversation: { type: 'string', minLength: 1 },
    default_to_current_conversation: { type: 'boolean' },
    response_url_enabled: { type: 'boolean' },
    filter: {
      type: 'object',
      properties: {
        include: { type: 'array', items: { enum: ['im', 'mpim', 'private', 'public'] }, uniqueItems: true },
        exclude_external_shared_channels: { type: 'boolean' },
        exclude_bot_users: { type: 'boolean' },
      },
      additionalProperties: false,
    },
    confirm: ref('confirm'),
    focus_on_load: { type: 'boolean' },
  }),
  overflow: element(
    'overflow',
    { options: { type: 'array', items: ref('option'), minItems: 1, maxItems: 5 }, confirm: ref('confirm') },
    ['options'],
  ),
  datepicker: element('datepicker', {
    placeholder,
    initial_date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    confirm: ref('confirm'),
    focus_on_load: { type: 'boolean' },
  }),
};

const imageElement = {
  type: 'object',
  properties: {
    type: { const: 'image' },
    image_url: url,
    alt_text: { type: 'string', minLength: 1, maxLength: 2000 },
  },
  required: ['type', 'image_url', 'alt_text'],
  additionalProperties: false,
} as const;

/** One of `choices` by its `type`: any other type is refused on `type` itself, listing the known ones. */
function byType(choices: Record<string, JSONSchema>): JSONSchema {
  return {
    type: 'object',
    properties: { type: { enum: Object.keys(choices) } },
    required: ['type'],
    allOf: Object.entries(choices).map(([type, schema]) => ({
      if: { properties: { type: { const: type } } },
      then: schema,
    })),
  };
}

const block = (type: string, properties: Record<string, JSONSchema>, required: string[] = []) =>
  ({
    type: 'object',
    properties: { type: { const: type }, block_id: blockId, ...properties },
    required: ['type', ...required],
    additionalProperties: false,
  }) as const;

const BLOCKS: Record<string, JSONSchema> = {
  section: {
    ...block('section', {
      text: textObject,
      fields: {
        type: 'array',
        items: {
          ...textObject,
          properties: { ...textObject.properties, text: { type: 'string', minLength: 1, maxLength: 2000 } },
        },
        minItems: 1,
        maxItems: 10,
      },
      accessory: ref('accessory'),
    }),
    anyOf: [
      { properties: { text: {} }, required: ['text'] },
      { properties: { fields: {} }, required: ['fields'] },
    ],
  },
  header: block(
    'header',
    {
      text: {
        ...plainText,
        properties: { ...plainText.properties, text: { type: 'string', minLength: 1, maxLength: 150 } },
      },
    },
    ['text'],
  ),
  divider: block('divider', {}),
  context: block(
    'context',
    {
      elements: {
        type: 'array',
        items: byType({ plain_text: textObject, mrkdwn: textObject, image: imageElement }),
        minItems: 1,
        maxItems: 10,
      },
    },
    ['elements'],
  ),
  image: block(
    'image',
    { image_url: url, alt_text: { type: 'string', minLength: 1, maxLength: 2000 }, title: plainText },
    ['image_url', 'alt_text'],
  ),
  actions: block(
    'actions',
    { elements: { type: 'array', items: ref('element'), minItems: 1, maxItems: 25 } },
    ['elements'],
  ),
};

export const BLOCK_TYPES = Object.keys(BLOCKS);

/** The elements a modal's input block holds: what a person fills in, sent back in the view's state. */
const INPUT_ELEMENTS: Record<string, JSONSchema> = {
  plain_text_input: element('plain_text_input', {
    placeholder,
    initial_value: { type: 'string', maxLength: 3000 },
    multiline: { type: 'boolean' },
    min_length: { type: 'integer', minimum: 0, maximum: 3000 },
    max_length: { type: 'integer', minimum: 1, maximum: 3000 },
    focus_on_load: { type: 'boolean' },
  }),
  static_select: ELEMENTS.static_select,
  checkboxes: element(
    'checkboxes',
    {
      options: { type: 'array', items: ref('option'), minItems: 1, maxItems: 10 },
      initial_options: { type: 'array', items: ref('option'), maxItems: 10 },
      confirm: ref('confirm'),
      focus_on_load: { type: 'boolean' },
    },
    ['options'],
  ),
  radio_buttons: element(
    'radio_buttons',
    {
      options: { type: 'array', items: ref('option'), minItems: 1, maxItems: 10 },
      initial_option: ref('option'),
      confirm: ref('confirm'),
    },
    ['options'],
  ),
  datepicker: ELEMENTS.datepicker,
};

const VIEW_BLOCKS: Record<string, JSONSchema> = {
  ...BLOCKS,
  input: block(
    'input',
    {
      label: {
        ...plainText,
        properties: { ...plainText.properties, text: { type: 'string', minLength: 1, maxLength: 2000 } },
      },
      element: ref('inputElement'),
      hint: plainText,
      optional: { type: 'boolean' },
      dispatch_action: { type: 'boolean' },
    },
    ['label', 'element'],
  ),
};

const modalTitle = {
  ...plainText,
  properties: { ...plainText.properties, text: { type: 'string', minLength: 1, maxLength: 24 } },
} as const;

/**
 * The parts used in several places, each compiled once per schema that refers to them (ajv's inlineRefs off):
 * written in place, the blocks of attachments and the elements of sections and actions repeated the whole tree,
 * and compiling the message schema took ~0.6 s of each worker's start (1.8 MB of generated code).
 */
const DEFS: Record<DefName, JSONSchema> = {
  option,
  confirm,
  element: byType(ELEMENTS),
  accessory: byType({ ...ELEMENTS, image: imageElement }),
  block: byType(BLOCKS),
  inputElement: byType(INPUT_ELEMENTS),
  viewBlock: byType(VIEW_BLOCKS),
};

/** A modal as views.open, views.update and views.push take it (and an app's response_action update/push). */
export const viewSchema = {
  type: 'object',
  $defs: DEFS,
  properties: {
    type: { const: 'modal' },
    title: modalTitle,
    blocks: { type: 'array', items: ref('viewBlock'), maxItems: 100 },
    close: modalTitle,
    submit: modalTitle,
    private_metadata: { type: 'string', maxLength: 3000 },
    callback_id: { type: 'string', maxLength: 255 },
    clear_on_close: { type: 'boolean' },
    notify_on_close: { type: 'boolean' },
    external_id: { type: 'string', maxLength: 255 },
    submit_disabled: { type: 'boolean' },
  },
  required: ['type', 'title', 'blocks'],
  additionalProperties: false,
} as const;

export const blocksSchema = { type: 'array', items: ref('block'), maxItems: 50 } as const;

/** Slack's legacy (secondary) attachments: the fields that still render. */
export const attachmentsSchema = {
  type: 'array',
  maxItems: 20,
  items: {
    type: 'object',
    properties: {
      color: { type: 'string', pattern: '^(good|warning|danger|#?[0-9a-fA-F]{6})$' },
      pretext: { type: 'string', maxLength: 3000 },
      author_name: { type: 'string', maxLength: 300 },
      author_link: url,
      author_icon: url,
      title: { type: 'string', maxLength: 3000 },
      title_link: url,
      text: { type: 'string', maxLength: 8000 },
      fallback: { type: 'string', maxLength: 3000 },
      fields: {
        type: 'array',
        maxItems: 20,
        items: {
          type: 'object',
          properties: {
            title: { type: 'string', maxLength: 300 },
            value: { type: 'string', maxLength: 2000 },
            short: { type: 'boolean' },
          },
          additionalProperties: false,
        },
      },
      footer: { type: 'string', maxLength: 300 },
      image_url: url,
      thumb_url: url,
      mrkdwn_in: { type: 'array', items: { enum: ['pretext', 'text', 'fields'] } },
      blocks: blocksSchema,
    },
    additionalProperties: false,
  },
} as const;

/** How a message's rich content is checked: as the request names it, so a failure names `blocks/2/text`. */
export const richContentSchema = {
  type: 'object',
  $defs: DEFS,
  properties: { blocks: blocksSchema, attachments: attachmentsSchema },
} as const;

export type Block = { type: string; [field: string]: unknown };
export interface Attachment {
  color?: string;
  pretext?: string;
  title?: string;
  text?: string;
  fallback?: string;
  fields?: { title?: string; value?: string; short?: boolean }[];
  [field: string]: unknown;
}
