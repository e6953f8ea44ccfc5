/**
 * The Block Kit subset the server accepts (core/src/slack/block-kit.schemas.ts), as the client reads it. The
 * server has validated every field; the renderer still treats each as optional and shows what is there.
 */
export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
  verbatim?: boolean;
}

export interface OptionObject {
  text: TextObject;
  value: string;
  description?: TextObject;
  url?: string;
}

export interface ImageElement {
  type: 'image';
  image_url: string;
  alt_text: string;
}

export interface BlockElement {
  type: string;
  action_id?: string;
  text?: TextObject;
  url?: string;
  value?: string;
  style?: 'primary' | 'danger';
  accessibility_label?: string;
  placeholder?: TextObject;
  options?: OptionObject[];
  option_groups?: { label: TextObject; options: OptionObject[] }[];
  initial_option?: OptionObject;
  initial_user?: string;
  initial_conversation?: string;
  initial_date?: string;
}

export interface Block {
  type: string;
  block_id?: string;
  text?: TextObject;
  fields?: TextObject[];
  accessory?: BlockElement | ImageElement;
  elements?: (BlockElement | TextObject | ImageElement)[];
  image_url?: string;
  alt_text?: string;
  title?: TextObject;
}

export interface Attachment {
  color?: string;
  pretext?: string;
  author_name?: string;
  author_link?: string;
  author_icon?: string;
  title?: string;
  title_link?: string;
  text?: string;
  fallback?: string;
  fields?: { title?: string; value?: string; short?: boolean }[];
  image_url?: string;
  thumb_url?: string;
  footer?: string;
  mrkdwn_in?: ('pretext' | 'text' | 'fields')[];
  blocks?: Block[];
}

/** What an interactive element reports when used: Slack's block_actions payload, in short. */
export interface BlockAction {
  blockId?: string;
  actionId?: string;
  type: string;
  /** A button's value, a picked option's value, a date, a user's or a conversation's id. */
  value?: string;
}
