import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { ChannelsService } from '../channels/channels.service';
import { Clock } from '../common/clock';
import { LOGGER } from '../common/logger';
import { ProblemException } from '../common/problem';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { Database } from '../database/database';
import { MessagesService } from '../messages/messages.service';
import { DueMessage, ScheduledMessagesRepository } from './scheduled-messages.repository';
import { Timers } from '../common/timers';

/** What the author is told when the post is refused, by the refusal's status (else the refusal's own words). */
const FAILURES: Record<number, string> = {
  403: 'The author is no longer a member of the channel',
  404: 'The channel no longer exists or the author no longer belongs to it',
};

/**
 * Posts scheduled messages when due, exactly once across instances and restarts: each is claimed with
 * FOR UPDATE SKIP LOCKED and posted, through the normal post path (hooks, events, mentions, webhooks), in the
 * transaction that marks it sent; a crash before the commit leaves it pending for the next tick. The author's
 * right to post is checked then, with their channel membership held until the commit: a refusal (they left,
 * the channel was archived) marks it failed with the reason instead.
 */
@Injectable()
export class ScheduledMessageSender implements OnApplicationBootstrap, OnApplicationShutdown {
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly repository: ScheduledMessagesRepository,
    private readonly channels: ChannelsService,
    private readonly messages: MessagesService,
    private readonly clock: Clock,
    private readonly timers: Timers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timers.every(this.config.scheduledMessagesTickMs, () => void this.tick());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** Posts everything due now; a tick still running when the next comes is not doubled. */
  tick(): Promise<void> {
    this.running ??= this.sendDue().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sendDue(): Promise<void> {
    try {
      while (!this.stopped && (await this.sendNext())) {
        // one message per transaction, until none is due
      }
    } catch (error) {
      // The message stays pending (its transaction rolled back): the next tick tries it again.
      this.logger.warn({ err: error }, 'posting a scheduled message failed; trying again at the next tick');
    }
  }

  /** Claims, posts and marks one due message; false when none is due. */
  private async sendNext(): Promise<boolean> {
    return this.db.transaction(async () => {
      const now = new Date(this.clock.now());
      const due = await this.repository.claimDue(now);
      if (!due) return false;
      const outcome = await this.post(due);
      if ('messageId' in outcome) await this.repository.markSent(due.id, outcome.messageId, now);
      else await this.repository.markFailed(due.id, outcome.failure, now);
      return true;
    });
  }

  private async post(due: DueMessage): Promise<{ messageId: string } | { failure: string }> {
    // In a savepoint: a refused post is undone while the claim survives it, to be marked failed.
    try {
      return await this.db.savepoint(async () => {
        await this.channels.holdMembership(due.channelId, due.userId);
        const message = await this.messages.post(
          due.channelId,
          { userId: due.userId, isBot: due.authorIsBot },
          {
            text: due.text,
            ...(due.threadId ? { threadId: due.threadId } : {}),
            ...(due.blocks ? { blocks: due.blocks } : {}),
            ...(due.attachments ? { attachments: due.attachments } : {}),
          },
        );
        return { messageId: message.id };
      });
    } catch (error) {
      // A limit (429) passes; anything else that is not the author's refusal is retried later.
      const status = error instanceof ProblemException ? error.getStatus() : 500;
      if (status === 429 || status >= 500) throw error;
      return { failure: FAILURES[status] ?? (error as ProblemException).message };
    }
  }
}
