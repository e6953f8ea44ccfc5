import { Inject, Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';
import { ChannelsService } from '../channels/channels.service';
import { Clock } from '../common/clock';
import { badRequest, conflict, ProblemException } from '../common/problem';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import type { MessageView } from '../messages/messages.schemas';
import { MessagesService } from '../messages/messages.service';
import { optionsOf } from '../slack/block-kit';
import type { Block } from '../slack/block-kit.schemas';
import { SlackInteractivity } from '../slack/interactivity';
import { channelSlackId, formatTs, slackId } from '../slack/slack-ids';
import { slackMessage } from '../slack/slack-views';
import { WorkspacesService } from '../workspaces/workspaces.service';
import type { MessageActionBody } from './apps.schemas';
import { ResponseUrls } from './response-urls';

/** A block's id as the web client names it: its block_id, or its position when it has none. */
const blockIdOf = (block: Block, index: number) => (block.block_id as string | undefined) ?? String(index);

/** The interactive element an action names in a message's blocks: in an actions block, or a section's accessory. */
function findElement(message: MessageView, body: MessageActionBody): Block {
  const blocks = message.blocks ?? [];
  const index = blocks.findIndex((block, position) => blockIdOf(block, position) === body.blockId);
  if (index < 0)
    throw badRequest('The action is unknown', [{ path: 'blockId', message: 'is not in the message' }]);
  const block = blocks[index];
  const elements = [
    ...((block.elements as Block[] | undefined) ?? []),
    ...(block.accessory ? [block.accessory as Block] : []),
  ];
  const element = elements.find(
    (candidate) => candidate.action_id === body.actionId && candidate.type !== 'image',
  );
  if (!element || block.type === 'context') {
    throw badRequest('The action is unknown', [{ path: 'actionId', message: 'is not in that block' }]);
  }
  return element;
}

/** What the person did, in Slack's action shape: a choice must be one the element offers. */
function slackAction(element: Block, body: MessageActionBody, actionTs: string): Record<string, unknown> {
  const base = {
    type: element.type,
    action_id: body.actionId,
    block_id: body.blockId,
    action_ts: actionTs,
  };
  const missing = (path: string) => badRequest('The action is invalid', [{ path, message: 'is required' }]);
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

/**
 * A person's click or choice on a message an app posted, sent to that app as Slack's `block_actions` (to its
 * interactivity URL, or over Socket Mode) with a trigger_id (to open a modal) and a response_url (to answer,
 * or replace or delete the message). Only on messages the person can see; only actions the message has.
 */
@Injectable()
export class AppActions {
  constructor(
    private readonly messages: MessagesService,
    private readonly channels: ChannelsService,
    private readonly workspaces: WorkspacesService,
    private readonly auth: AuthService,
    private readonly interactivity: SlackInteractivity,
    private readonly responseUrls: ResponseUrls,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async act(messageId: string, userId: string, body: MessageActionBody): Promise<{ delivered: true }> {
    const message = await this.messages.get(messageId, userId);
    const element = findElement(message, body);
    if (body.selectedChannel) await this.channels.get(body.selectedChannel, userId);
    const action = slackAction(element, body, formatTs(BigInt(this.clock.now()) * 1000n));
    const app = await this.interactivity.appOfBot(message.userId);
    if (!app) throw conflict('No app answers the actions of this message');
    const [channel, workspace, user] = await Promise.all([
      this.channels.get(message.channelId, userId),
      this.workspaces.get(message.workspaceId, userId),
      this.auth.me(userId),
    ]);
    if (action.selected_conversation) {
      const chosen = await this.channels.get(action.selected_conversation as string, userId);
      action.selected_conversation = channelSlackId(chosen);
    }
    const responseUrl = await this.responseUrls.create({
      installId: app.installId,
      botUserId: app.botUserId,
      userId,
      channelId: message.channelId,
      threadId: message.threadId,
      messageId: message.id,
    });
    const teamId = slackId('T', message.workspaceId);
    const channelId = channelSlackId(channel);
    const delivery = await this.interactivity.deliver(app, {
      type: 'block_actions',
      user: { id: slackId('U', userId), username: user.displayName, name: user.displayName, team_id: teamId },
      api_app_id: slackId('A', app.appId),
      token: app.clientId,
      container: { type: 'message', message_ts: message.ts, channel_id: channelId, is_ephemeral: false },
      trigger_id: await this.interactivity.issueTrigger(app, userId),
      team: { id: teamId, domain: workspace.slug },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channelId, name: channel.name ?? 'directmessage' },
      message: slackMessage(message, { isBot: true, origin: this.config.publicUrl }),
      state: { values: {} },
      response_url: responseUrl,
      actions: [action],
    });
    if (!delivery.answered) {
      throw new ProblemException(502, `The app did not take the action: ${delivery.reason}`);
    }
    return { delivered: true };
  }
}
