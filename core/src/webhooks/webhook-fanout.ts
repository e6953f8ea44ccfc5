import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { ChannelsService } from '../channels/channels.service';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { coalesced } from '../common/coalesced';
import { LOGGER } from '../common/logger';
import { Database } from '../database/database';
import { EventFeed } from '../events/event-feed';
import { EventsRepository, StoredEvent } from '../events/events.repository';
import { audienceOf, canSee, ViewerScope } from '../realtime/audience';
import { WebhookWorker } from './webhook-worker';
import { NewDelivery, WebhookRow, WebhooksRepository } from './webhooks.repository';

const BATCH = 500;

/**
 * Turns the event stream into deliveries: one transaction reads the next events after the shared cursor,
 * inserts a delivery for every subscription that wants and may see each event, and moves the cursor, so each
 * event is enqueued exactly once whichever instance does it and whatever crashes. The cursor row is locked
 * with SKIP LOCKED: one instance fans out at a time, the others find it busy and leave it.
 */
@Injectable()
export class WebhookFanout implements OnApplicationBootstrap {
  constructor(
    private readonly db: Database,
    private readonly feed: EventFeed,
    private readonly events: EventsRepository,
    private readonly repository: WebhooksRepository,
    private readonly channels: ChannelsService,
    private readonly worker: WebhookWorker,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.feed.subscribe(() => {
      this.wake();
      return Promise.resolve();
    });
  }

  /** Enqueues whatever the feed has that the cursor has not; safe to call at any time. */
  readonly wake = coalesced(
    async () => {
      if (await this.fanOutBatch()) this.wake(); // a full batch: more may be waiting
    },
    (error) => this.logger.error({ err: error }, 'webhook fan-out failed; retrying on the next event'),
  );

  /** Enqueues one batch; true when it was full. */
  private async fanOutBatch(): Promise<boolean> {
    return await this.db.transaction(async () => {
      const cursor = await this.repository.lockFanoutCursor();
      const horizon = this.feed.seq;
      if (cursor === undefined || BigInt(cursor) >= BigInt(horizon)) return false;
      const batch = await this.events.readRange(cursor, horizon, BATCH);
      if (batch.length === 0) return false;
      const deliveries = await this.deliveriesFor(batch);
      await this.repository.insertDeliveries(deliveries);
      await this.repository.setFanoutCursor(batch[batch.length - 1].seq);
      if (deliveries.length > 0) this.db.afterCommit(() => this.worker.wake());
      return batch.length === BATCH;
    });
  }

  private async deliveriesFor(batch: StoredEvent[]): Promise<NewDelivery[]> {
    const workspaceIds = [...new Set(batch.map((event) => event.workspaceId).filter((id) => id !== null))];
    if (workspaceIds.length === 0) return [];
    const webhooks = await this.repository.enabledIn(workspaceIds);
    if (webhooks.length === 0) return [];
    const now = new Date(this.clock.now());
    const scopes = new Map<string, ViewerScope | undefined>();
    const deliveries: NewDelivery[] = [];
    for (const event of batch) {
      for (const webhook of webhooks) {
        if (!wants(webhook, event)) continue;
        // What the creator may see now decides, as for every other consumer: private channels only while
        // they are in them, nothing once they have left the workspace.
        const key = `${webhook.workspaceId}:${webhook.createdBy}`;
        if (!scopes.has(key))
          scopes.set(key, await this.channels.scopeIn(webhook.workspaceId, webhook.createdBy));
        const scope = scopes.get(key);
        if (!scope || !canSee(audienceOf(event), scope)) continue;
        deliveries.push({
          id: newId(),
          webhookId: webhook.id,
          eventSeq: event.seq,
          eventType: event.type,
          body: JSON.stringify({
            type: event.type,
            timestamp: event.createdAt.toISOString(),
            data: event.data,
          }),
          nextAttemptAt: now,
          createdAt: now,
        });
      }
      // Membership changes alter what later events in the batch may reach.
      if (/member_(joined|left|updated)$/.test(event.type)) scopes.clear();
    }
    return deliveries;
  }
}

function wants(webhook: WebhookRow, event: StoredEvent): boolean {
  if (event.workspaceId !== webhook.workspaceId) return false;
  if (BigInt(event.seq) <= BigInt(webhook.createdSeq)) return false;
  if (!webhook.events.includes(event.type)) return false;
  return (
    webhook.channelIds === null || (event.channelId !== null && webhook.channelIds.includes(event.channelId))
  );
}
