import { Inject, Injectable } from '@nestjs/common';
import { generateToken, hashToken } from '../auth/tokens';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { badRequest, notFound, ProblemException } from '../common/problem';
import { assertValid } from '../common/validation';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { EventBus } from '../events/event-bus';
import { publishEphemeralAnswer } from '../events/ephemeral-answer';
import type { RichContent } from '../messages/messages.schemas';
import { MessagesService } from '../messages/messages.service';
import { assertRichContent, fallbackText } from '../slack/block-kit';
import { nativeMentions } from '../slack/slack-ids';
import { AppsRepository, CommandResponseRow } from './apps.repository';
import { commandAnswerSchema } from './apps.schemas';
import type { CommandAnswer } from './apps.schemas';

/** Slack's response_url: up to 5 posts within 30 minutes. */
const RESPONSE_URL_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60_000;

/**
 * Slack's response_url, for slash commands and block actions alike: a secret URL the app posts later answers
 * to, in the channel or to the person only, or (after a block action) in place of the message acted on.
 */
@Injectable()
export class ResponseUrls {
  constructor(
    private readonly repository: AppsRepository,
    private readonly messages: MessagesService,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A fresh response URL answering `target` (stored hashed). */
  async create(target: CommandResponseRow): Promise<string> {
    const { raw, hash } = generateToken('commandResponse');
    await this.repository.insertCommandResponse({
      ...target,
      id: newId(),
      tokenHash: hash,
      expiresAt: new Date(this.clock.now() + RESPONSE_URL_TTL_MS),
    });
    return `${this.config.publicUrl}/hooks/commands/${raw}`;
  }

  /**
   * `POST /hooks/commands/:token`: a later answer from the app. In-channel answers are posted by the app's
   * bot (in the command's thread); ephemeral ones go to the person's open sockets only; replace_original and
   * delete_original change the message a block action was on.
   */
  async respond(token: string, body: unknown): Promise<void> {
    assertValid(commandAnswerSchema, body);
    const answer = body as CommandAnswer;
    const target = await this.repository.useCommandResponse(hashToken(token), RESPONSE_URL_USES);
    if (!target) throw notFound('Response URL');
    if (target === 'used up') {
      throw new ProblemException(410, `A response URL takes ${RESPONSE_URL_USES} answers within 30 minutes`);
    }
    const original = target.messageId;
    if ((answer.replace_original || answer.delete_original) && !original) {
      throw badRequest('The answer is invalid', [
        { path: 'replace_original', message: 'needs a response URL from a block action' },
      ]);
    }
    if (answer.delete_original) {
      await this.messages.delete(original!, target.botUserId);
      return;
    }
    const { text, rich } = answerContent(answer);
    if (!text.trim() && !rich.blocks?.length && !rich.attachments?.length) {
      throw badRequest('The answer is invalid', [{ path: 'text', message: 'is required' }]);
    }
    if (answer.replace_original) {
      // Slack replaces the whole message: blocks left out of the answer are gone.
      await this.messages.edit(original!, target.botUserId, { text, blocks: [], attachments: [], ...rich });
      return;
    }
    if (answer.response_type === 'in_channel') {
      await this.messages.post(
        target.channelId,
        { userId: target.botUserId, isBot: true },
        { text, ...rich, ...(target.threadId ? { threadId: target.threadId } : {}) },
        { skipHooks: true, onBehalfOf: target.userId },
      );
      return;
    }
    assertRichContent(rich);
    publishEphemeralAnswer(this.bus, {
      to: target.userId,
      channelId: target.channelId,
      threadId: target.threadId,
      from: target.botUserId,
      text: text.trim() ? text : fallbackText(rich),
      ...rich,
    });
  }
}

/** An app's answer as stored: its text with Slack's `<@U…>` made native mentions, and its blocks and attachments. */
export function answerContent(answer: CommandAnswer): { text: string; rich: RichContent } {
  return {
    text: nativeMentions(answer.text ?? ''),
    rich: {
      ...(answer.blocks ? { blocks: answer.blocks as RichContent['blocks'] } : {}),
      ...(answer.attachments ? { attachments: answer.attachments } : {}),
    },
  };
}
