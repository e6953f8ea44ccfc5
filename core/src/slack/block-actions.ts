import type { BlockAction } from '@jokkaer/sdk-plugin';
import { badRequest } from '../common/problem';
import { optionsOf } from './block-kit';
import type { Block } from './block-kit.schemas';
import { slackId } from './slack-ids';
import type { BlockActionBody } from './slack.schemas';

/** A block's id as the web client names it: its block_id, or its position when it has none. */
const blockIdOf = (block: Block, index: number) => (block.block_id as string | undefined) ?? String(index);

/**
 * The interactive element an action names: in an actions block, a section's accessory, or (in a modal) an
 * input block's element when the input has `dispatch_action`. 400 naming the field when there is none.
 */
export function findElement(blocks: Block[], body: BlockActionBody): Block {
  const index = blocks.findIndex((block, position) => blockIdOf(block, position) === body.blockId);
  const unknown = (path: string, message: string) => badRequest('The action is unknown', [{ path, message }]);
  if (index < 0) throw unknown('blockId', 'is not there');
  const block = blocks[index];
  const elements = [
    ...((block.elements as Block[] | undefined) ?? []),
    ...(block.accessory ? [block.accessory as Block] : []),
    ...(block.type === 'input' && block.dispatch_action === true ? [block.element as Block] : []),
  ];
  const element = elements.find(
    (candidate) => candidate.action_id === body.actionId && candidate.type !== 'image',
  );
  if (!element || block.type === 'context') throw unknown('actionId', 'is not in that block');
  return element;
}

/**
 * What the person did, in Slack's action shape: a choice must be one the element offers. `entry` is an input's
 * state when the element is a modal input with `dispatch_action` (its value is what was filled in).
 */
export function slackAction(
  element: Block,
  body: BlockActionBody,
  actionTs: string,
  entry?: Record<string, unknown>,
): Record<string, unknown> {
  const base = {
    type: element.type,
    action_id: body.actionId,
    block_id: body.blockId,
    action_ts: actionTs,
  };
  const missing = (path: string) => badRequest('The action is invalid', [{ path, message: 'is required' }]);
  if (entry) return { ...entry, ...base };
  switch (element.type) {
    case 'button':
      return {
        ...base,
        text: element.text,
        ...(element.value !== undefined ? { value: element.value } : {}),
      };
    case 'static_select':
    case 'overflow': {
      if (body.selectedOption === undefined) throw missing('selectedOption');
      const option = optionsOf(element).find((candidate) => candidate.value === body.selectedOption);
      if (!option) {
        throw badRequest('The action is invalid', [
          { path: 'selectedOption', message: 'is not one of the options' },
        ]);
      }
      return { ...base, selected_option: option };
    }
    case 'users_select':
      if (!body.selectedUser) throw missing('selectedUser');
      return { ...base, selected_user: slackId('U', body.selectedUser) };
    case 'conversations_select':
      if (!body.selectedChannel) throw missing('selectedChannel');
      return { ...base, selected_conversation: body.selectedChannel };
    default:
      if (!body.selectedDate) throw missing('selectedDate');
      return { ...base, selected_date: body.selectedDate };
  }
}

/** A Slack action as a plugin's `actions` handler gets it, with native ids. */
export function pluginAction(
  action: Record<string, unknown>,
  body: BlockActionBody,
  context: Pick<BlockAction, 'userId' | 'messageId' | 'channelId' | 'view' | 'triggerId'>,
): BlockAction {
  return {
    actionId: body.actionId,
    blockId: body.blockId,
    type: String(action.type),
    ...(typeof action.value === 'string' ? { value: action.value } : {}),
    ...(action.selected_option
      ? { selectedOption: action.selected_option as BlockAction['selectedOption'] }
      : {}),
    ...(body.selectedUser ? { selectedUserId: body.selectedUser } : {}),
    ...(body.selectedChannel ? { selectedChannelId: body.selectedChannel } : {}),
    ...(typeof action.selected_date === 'string' ? { selectedDate: action.selected_date } : {}),
    ...context,
  };
}
