import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuthService } from '../auth/auth.service';
import { ChannelsService } from '../channels/channels.service';
import { CommandRegistry } from '../commands/commands.registry';
import type {
  CommandInfo,
  CommandProvider,
  CommandRequest,
  CommandResult,
} from '../commands/commands.schemas';
import { LOGGER } from '../common/logger';
import { notFound } from '../common/problem';
import { isStorableText } from '../common/text';
import { assertValid } from '../common/validation';
import { EgressClient, EgressResponse } from '../egress/egress.client';
import { MessagesService } from '../messages/messages.service';
import { assertRichContent, fallbackText } from '../slack/block-kit';
import { appOwner, SlackInteractivity } from '../slack/interactivity';
import { channelSlackId, slackId } from '../slack/slack-ids';
import { SlackSocketMode } from '../slack/socket-mode';
import { slackSignature } from '../webhooks/webhook-signature';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { AppsRepository, InstalledCommands } from './apps.repository';
import { commandAnswerSchema } from './apps.schemas';
import type { CommandAnswer } from './apps.schemas';
import { answerContent, ResponseUrls } from './response-urls';
import { Clock } from '../common/clock';

/** Slack gives apps 3 s to answer a slash command. */
const ANSWER_TIMEOUT_MS = 3000;

/**
 * Slash commands answered by installed apps, the way Slack sends them: a signed form POST through the egress
 * guard, an immediate JSON answer within 3 s, and a response_url for later answers. Apps see commands only
 * when their install was granted the `commands` scope.
 */
@Injectable()
export class AppCommands implements CommandProvider, OnModuleInit {
  constructor(
    private readonly registry: CommandRegistry,
    private readonly repository: AppsRepository,
    private readonly channels: ChannelsService,
    private readonly workspaces: WorkspacesService,
    private readonly messages: MessagesService,
    private readonly auth: AuthService,
    private readonly egress: EgressClient,
    private readonly socketMode: SlackSocketMode,
    private readonly interactivity: SlackInteractivity,
    private readonly responseUrls: ResponseUrls,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async commands(workspaceId: string): Promise<CommandInfo[]> {
    return (await this.repository.installedCommands(workspaceId)).flatMap((install) =>
      install.commands.map((command) => ({
        command: command.command.slice(1),
        description: command.description,
        ...(command.usage ? { usage: command.usage } : {}),
        source: { kind: 'app', id: install.appId, name: install.appName },
      })),
    );
  }

  async run(request: CommandRequest): Promise<CommandResult> {
    const install = (await this.repository.installedCommands(request.workspaceId)).find((candidate) =>
      candidate.commands.some((command) => command.command === `/${request.command}`),
    );
    if (!install) throw notFound(`Command /${request.command}`);
    const command = install.commands.find((candidate) => candidate.command === `/${request.command}`)!;
    const fields = await this.slackForm(install, request);
    // An app connected by Socket Mode gets the command there, and may answer in its acknowledgement.
    if (this.socketMode.connected(install.appId)) {
      const outcome = await this.socketMode.send(install.appId, 'slash_commands', fields);
      if (!outcome.acked) return this.notAnswered(request, install.appId, outcome.reason);
      return this.result(install, request, checkAnswer(outcome.payload));
    }
    const body = new URLSearchParams(fields).toString();
    const timestamp = Math.floor(this.clock.now() / 1000);
    let response: EgressResponse;
    try {
      response = await this.egress.fetch(
        command.url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'user-agent': 'Jokkaer-Commands/1',
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': slackSignature(install.signingSecret, timestamp, body),
          },
          body,
        },
        { timeoutMs: ANSWER_TIMEOUT_MS, maxResponseBytes: 64 * 1024 },
      );
    } catch (error) {
      return this.notAnswered(request, install.appId, error);
    }
    if (response.status < 200 || response.status >= 300) {
      return {
        responseType: 'ephemeral',
        text: `/${request.command} failed (the app answered ${response.status}).`,
      };
    }
    return this.result(install, request, parseAnswer(response));
  }

  private notAnswered(request: CommandRequest, appId: string, error: unknown): CommandResult {
    this.logger.warn({ err: error, appId, command: request.command }, 'app command failed');
    return { responseType: 'ephemeral', text: `/${request.command} did not answer in time.` };
  }

  /** What the person sees at once: the app's immediate answer, or nothing yet (it answers later). */
  private result(
    install: InstalledCommands,
    request: CommandRequest,
    answer: CommandAnswer | undefined | 'invalid',
  ): CommandResult {
    if (answer === 'invalid') {
      return { responseType: 'ephemeral', text: `/${request.command} failed (the app's answer is invalid).` };
    }
    if (!answer) return { responseType: 'ephemeral', text: '' }; // acknowledged; the answer comes later
    const { text, rich } = answerContent(answer);
    try {
      assertRichContent(rich);
    } catch {
      return { responseType: 'ephemeral', text: `/${request.command} failed (the app's answer is invalid).` };
    }
    return {
      responseType: answer.response_type === 'in_channel' ? 'in_channel' : 'ephemeral',
      text: text.trim() ? text : fallbackText(rich),
      ...rich,
      postAs: install.botUserId,
    };
  }

  /** The form Slack sends, field for field and with Slack's ids, a fresh response_url and trigger_id. */
  private async slackForm(
    install: InstalledCommands,
    request: CommandRequest,
  ): Promise<Record<string, string>> {
    const [{ channel }, workspace, user, thread] = await Promise.all([
      this.channels.requireReadable(request.channelId, request.userId),
      this.workspaces.get(request.workspaceId, request.userId),
      this.auth.me(request.userId),
      request.threadId ? this.messages.get(request.threadId, request.userId) : undefined,
    ]);
    const responseUrl = await this.responseUrls.create({
      installId: install.installId,
      botUserId: install.botUserId,
      userId: request.userId,
      channelId: request.channelId,
      threadId: request.threadId,
    });
    const triggerId = await this.interactivity.issueTrigger(
      appOwner(install),
      request.workspaceId,
      request.userId,
    );
    const fields: Record<string, string> = {
      team_id: slackId('T', request.workspaceId),
      team_domain: workspace.slug,
      channel_id: channelSlackId(channel),
      channel_name: channel.name ?? 'directmessage',
      user_id: slackId('U', request.userId),
      user_name: user.displayName,
      command: `/${request.command}`,
      text: request.args,
      response_url: responseUrl,
      trigger_id: triggerId,
      api_app_id: slackId('A', install.appId),
    };
    if (thread?.ts) fields.thread_ts = thread.ts;
    return fields;
  }
}

/**
 * An answer body: Slack's JSON ({response_type, text}), or plain text as Slack also accepts. 'invalid' when
 * it is not an answer we can post (a text of the wrong type, or one PostgreSQL cannot store).
 */
function parseAnswer(response: EgressResponse): CommandAnswer | undefined | 'invalid' {
  const text = response.body.trim();
  if (!text) return undefined;
  let answer: unknown = { text };
  if ((response.headers['content-type'] ?? '').includes('json')) {
    try {
      answer = JSON.parse(text);
    } catch {
      // not JSON after all: the text is the answer
    }
  }
  return checkAnswer(answer);
}

/** An answer object checked against Slack's fields; undefined for none (an acknowledgement alone). */
function checkAnswer(answer: unknown): CommandAnswer | undefined | 'invalid' {
  if (typeof answer !== 'object' || answer === null) return undefined;
  try {
    assertValid(commandAnswerSchema, answer);
  } catch {
    return 'invalid';
  }
  const checked = answer as CommandAnswer;
  return checked.text === undefined || isStorableText(checked.text) ? checked : 'invalid';
}
