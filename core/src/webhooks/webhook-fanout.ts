import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { ChannelsService } from '../channels/channels.service';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { coalesced } from '../common/coalesced';
import { LOGGER } from '../common/logger';
import { Database } from '../database/database';
import { EventFeed } from '../events/event-feed';
import type { StreamEvents } from '../events/event-catalogue';
import { EventsRepository, StoredEvent } from '../events/events.repository';
import { IDLE_CURSOR_EVENTS, Subscriber, SubscriberDirectory } from '../events/subscriber-directory';
import { audienceOf, canSee, ViewerScope } from '../realtime/audience';
import { WebhookWorker } from './webhook-worker';
import { SlackEvents } from '../slack/slack-events';
import { NewDelivery, WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { FanoutTarget, WebhookRow, WebhooksRepository } from './webhooks.repository';

const BATCH = 500;

/**
 * Turns the event stream into deliveries: one transaction reads the next events after the shared cursor,
 * inserts a delivery for every subscription that wants and may see each event, and moves the cursor, so each
 * event is enqueued exactly once whichever instance does it and whatever crashes. The cursor row is locked
 * with SKIP LOCKED: one instance fans out at a time, the others find it busy and leave it.
 *
 * Most events no webhook wants: the instance's directory of enabled webhooks (kept current through the feed)
 * tells, and such events cost no query. The cursor then lags over them and is moved past them in one
 * statement every IDLE_CURSOR_EVENTS events; the first event some webhook may want is fanned out from wherever
 * the cursor is, so a crash never loses one, and the tables, not the directory, decide what is delivered.
 */
@Injectable()
export class WebhookFanout implements OnApplicationBootstrap {
  private readonly directory: SubscriberDirectory<Subscriber>;
  /**
   * The last seq seen that a webhook may want and no fan-out of this instance has covered yet. At start,
   * whatever a previous run left behind the cursor.
   */
  private dueThrough: bigint | undefined = 0n;
  /**
   * Up to where every event seen was wanted by no webhook or covered by a fan-out of this instance: the cursor
   * may move there without reading them. They were judged when they came, as a fan-out would have judged them
   * then: a webhook enabled again later does not receive what happened while it was disabled.
   */
  private skippable = 0n;
  /** Where this instance last moved the cursor to. */
  private written = 0n;
  /** The last seq the feed handed over: a fan-out reads up to it, all committed and judged. */
  private seen = 0n;

  constructor(
    private readonly db: Database,
    private readonly feed: EventFeed,
    private readonly events: EventsRepository,
    private readonly repository: WebhooksRepository,
    private readonly queue: WebhookDeliveriesRepository,
    private readonly channels: ChannelsService,
    private readonly worker: WebhookWorker,
    private readonly slackEvents: SlackEvents,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.directory = new SubscriberDirectory(
      (event) =>
        event.type === 'webhooks.changed'
          ? (event.data as StreamEvents['webhooks.changed']).ofWorkspace
          : event.type === 'webhook.disabled'
            ? (event.workspaceId ?? undefined)
            : undefined,
      async (workspaceId) =>
        (await this.repository.enabledSubscriptions(workspaceId)).map((webhook) => ({
          ...webhook,
          wants: (type: string) => webhook.events.includes(type),
        })),
    );
  }

  onApplicationBootstrap(): void {
    this.feed.subscribe(async (events) => {
      const { wanted, first, failed } = await this.directory.sort(events);
      this.seen = BigInt(events.at(-1)?.seq ?? this.feed.seq);
      if (failed)
        this.logger.warn({ err: failed }, 'could not read the enabled webhooks; fanning out regardless');
      if (this.dueThrough === undefined) {
        const clear = first === undefined ? events.at(-1)?.seq : (BigInt(first) - 1n).toString();
        if (clear !== undefined && BigInt(clear) > this.skippable) this.skippable = BigInt(clear);
      }
      const last = failed ? events.at(-1)?.seq : maxSeq(wanted.values());
      if (last !== undefined && (this.dueThrough === undefined || BigInt(last) > this.dueThrough))
        this.dueThrough = BigInt(last);
      if (this.dueThrough !== undefined || this.skippable - this.written >= IDLE_CURSOR_EVENTS) this.wake();
    });
  }

  /**
   * Enqueues what webhooks may want, else moves the cursor past events none wanted when enough went by;
   * safe to call at any time. Work left (the cursor busy elsewhere, an error) is retried on the next batch or
   * poll of the feed.
   */
  readonly wake = coalesced(
    async () => {
      const skippable = this.skippable;
      if (this.dueThrough === undefined) {
        if (skippable - this.written < IDLE_CURSOR_EVENTS) return;
        await this.queue.advanceIdleFanoutCursor(skippable.toString());
        this.written = skippable;
        return;
      }
      const { outcome, horizon } = await this.fanOutBatch(skippable);
      if (outcome === 'full') return this.wake();
      if (outcome === 'done' && this.dueThrough !== undefined && this.dueThrough <= horizon) {
        this.dueThrough = undefined;
        if (horizon > this.skippable) this.skippable = horizon;
        this.written = this.skippable;
      }
    },
    (error) => this.logger.error({ err: error }, 'webhook fan-out failed; retrying on the next event'),
  );

  /** Enqueues one batch: whether the cursor was busy elsewhere, the batch full, or the cursor at `horizon`. */
  private async fanOutBatch(
    skippable: bigint,
  ): Promise<{ outcome: 'busy' | 'full' | 'done'; horizon: bigint }> {
    const horizon = this.seen.toString();
    const outcome = await this.db.transaction(async () => {
      const locked = await this.queue.lockFanoutCursor();
      if (locked === undefined) return 'busy';
      const cursor = BigInt(locked) < skippable ? skippable.toString() : locked;
      const batch =
        BigInt(cursor) < BigInt(horizon) ? await this.events.readRange(cursor, horizon, BATCH) : [];
      const deliveries = await this.deliveriesFor(batch);
      await this.queue.insertDeliveries(deliveries);
      const moved = batch.at(-1)?.seq ?? cursor;
      if (moved !== locked) await this.queue.setFanoutCursor(moved);
      if (deliveries.length > 0) this.db.afterCommit(() => this.worker.wake());
      return batch.length === BATCH ? 'full' : 'done';
    });
    return { outcome, horizon: BigInt(horizon) };
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
        const bodies = await this.bodiesFor(webhook, event);
        for (const [part, body] of bodies.entries()) {
          deliveries.push({
            id: newId(),
            webhookId: webhook.id,
            eventSeq: event.seq,
            part,
            eventType: event.type,
            body,
            nextAttemptAt: now,
            createdAt: now,
          });
        }
      }
      // Membership changes alter what later events in the batch may reach.
      if (/member_(joined|left|updated)$/.test(event.type)) scopes.clear();
    }
    return deliveries;
  }

  /** Our envelope, or Slack's `event_callback` ones for a Slack app's subscription (none, one or several). */
  private async bodiesFor(webhook: FanoutTarget, event: StoredEvent): Promise<string[]> {
    if (webhook.format === 'slack') {
      return await this.slackEvents.envelopes(event, {
        workspaceId: webhook.workspaceId,
        botUserId: webhook.createdBy,
        appId: webhook.appId ?? '',
        clientId: webhook.clientId ?? '',
        slackEvents: webhook.slackEvents ?? [],
        scopes: webhook.scopes ?? [],
      });
    }
    return [JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: event.data })];
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

function maxSeq(seqs: Iterable<string>): string | undefined {
  let max: string | undefined;
  for (const seq of seqs) if (max === undefined || BigInt(seq) > BigInt(max)) max = seq;
  return max;
}
