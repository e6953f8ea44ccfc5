import { Inject, Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';
import { ChannelsService } from '../channels/channels.service';
import { Clock } from '../common/clock';
import { conflict, ProblemException } from '../common/problem';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { MessagesService } from '../messages/messages.service';
import { findElement, slackAction } from '../slack/block-actions';
import { appOwner, SlackInteractivity } from '../slack/interactivity';
import { channelSlackId, formatTs, slackId } from '../slack/slack-ids';
import { slackMessage } from '../slack/slack-views';
import { WorkspacesService } from '../workspaces/workspaces.service';
import type { MessageActionBody } from './apps.schemas';
import { ResponseUrls } from './response-urls';

/**
 * A person's click or choice on a message an app posted, sent to that app as Slack's `block_actions` (to its
 * interactivity URL, or over Socket Mode) with a trigger_id (to open a modal) and a response_url (to answer,
 * or replace or delete the message); on a plugin bot's message, to the plugin's `actions` handler. Only on
 * messages the person can see; only actions the message has.
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
    const element = findElement(message.blocks ?? [], body);
    if (body.selectedChannel) await this.channels.get(body.selectedChannel, userId);
    const action = slackAction(element, body, formatTs(BigInt(this.clock.now()) * 1000n));
    const app = await this.interactivity.appOfBot(message.userId);
    if (!app) {
      const plugin = await this.interactivity.pluginOfBot(message.workspaceId, message.userId);
      if (!plugin) throw conflict('No app answers the actions of this message');
      const where = { messageId: message.id, channelId: message.channelId, view: null };
      return this.interactivity.pluginAct(plugin, userId, action, body, where);
    }
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
      trigger_id: await this.interactivity.issueTrigger(appOwner(app), app.workspaceId, userId),
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
