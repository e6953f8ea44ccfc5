import { assertValid, compileAhead } from '../common/validation';
import { MAX_TEXT_LENGTH } from '@jokkaer/sdk-plugin';
import type { RichContent } from '../messages/messages.schemas';
import { richContentSchema } from './block-kit.schemas';
import type { Attachment, Block } from './block-kit.schemas';

/** 400 naming each failing path (`blocks/2/type`) unless the blocks and attachments fit the Block Kit subset. */
export function assertRichContent(content: RichContent): void {
  const given = Object.fromEntries(
    (['blocks', 'attachments'] as const)
      .filter((field) => content[field] !== undefined && content[field] !== null)
      .map((field) => [field, content[field]]),
  );
  assertValid(richContentSchema, given);
}

/** Compiles the Block Kit schema at start rather than on a worker's first post (150-500 ms of ajv's work). */
export function prepareRichContentCheck(): void {
  compileAhead(richContentSchema);
}

type TextObject = { text?: string };

/** The words a block shows, in reading order (headers, sections with their fields, context). */
function blockText(block: Block): string[] {
  const text = (block.text as TextObject | undefined)?.text;
  const fields = ((block.fields as TextObject[] | undefined) ?? []).map((field) => field.text);
  const elements =
    block.type === 'context' ? ((block.elements as TextObject[]) ?? []).map((element) => element.text) : [];
  return [text, ...fields, ...elements].filter((part): part is string => typeof part === 'string');
}

function attachmentText(attachment: Attachment): string[] {
  if (attachment.fallback) return [attachment.fallback];
  return [attachment.pretext, attachment.title, attachment.text].filter(
    (part): part is string => typeof part === 'string' && part.length > 0,
  );
}

/**
 * A message's text when only blocks or attachments came, as Slack derives its notification text: the blocks'
 * words, else each attachment's `fallback` (or its pretext, title and text).
 */
export function fallbackText(content: RichContent): string {
  const fromBlocks = (content.blocks ?? []).flatMap(blockText);
  const parts = fromBlocks.length > 0 ? fromBlocks : (content.attachments ?? []).flatMap(attachmentText);
  return parts.join('\n').slice(0, MAX_TEXT_LENGTH);
}

/** Every image URL a block shows: its own, its accessory's, its context images'. */
function blockImageUrls(block: Block): unknown[] {
  const elements = block.type === 'context' ? ((block.elements as Block[] | undefined) ?? []) : [];
  return [block, block.accessory as Block | undefined, ...elements]
    .filter((part) => part?.type === 'image')
    .map((image) => image?.image_url);
}

/** The images a message's blocks and attachments show by URL (the only ones the server fetches for readers). */
export function imageUrls(content: RichContent): Set<string> {
  const attachments = content.attachments ?? [];
  const urls = [
    ...(content.blocks ?? []).flatMap(blockImageUrls),
    ...attachments.flatMap((attachment) => [
      attachment.image_url,
      attachment.thumb_url,
      attachment.author_icon,
      ...((attachment.blocks as Block[] | undefined) ?? []).flatMap(blockImageUrls),
    ]),
  ];
  return new Set(urls.filter((url): url is string => typeof url === 'string'));
}

type Option = { text: unknown; value: string };

/** Every option a select or choice element offers, grouped ones too. */
export function optionsOf(element: Block): Option[] {
  const groups = (element.option_groups as { options: Option[] }[] | undefined) ?? [];
  return [...((element.options as Option[] | undefined) ?? []), ...groups.flatMap((group) => group.options)];
}
