import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import webPush from 'web-push';
import { ChannelsService } from '../channels/channels.service';
import { Clock } from '../common/clock';
import { LOGGER } from '../common/logger';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { EgressClient } from '../egress/egress.client';
import { EventFeed } from '../events/event-feed';
import type { StoredEvent } from '../events/events.repository';
import { PresenceService } from '../realtime/presence.service';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { PushRepository, PushSubscriptionRow } from './push.repository';
import { PushService } from './push.service';
import { isQuiet } from './quiet-hours';

/** A claim older than this is forgotten: every instance's feed has long passed its event. */
const CLAIM_RETENTION_MS = 24 * 3600_000;
/** VAPID tokens may live up to 24 hours; a fresh one per push, valid for 12, needs no clock agreement to the minute. */
const VAPID_LIFETIME_SECONDS = 12 * 3600;
const BODY_MAX_CHARS = 200;
/** Past this many new messages waiting to be looked at, more are not pushed (each was delivered to open sockets). */
const MAX_BACKLOG_EVENTS = 10_000;

/** What the service worker shows (web/public/push-handler.js): the notification and where a click leads. */
export interface PushPayload {
  title: string;
  body: string;
  url: string;
  tag: string;
}

/**
 * Web Push for the tab closed: a new message that mentions someone, or any message in a direct conversation,
 * is pushed to each such person who has no open realtime socket anywhere, is a member of the channel, has not
 * muted it and is not in their quiet hours. Every instance reads the stream; the one that claims an event
 * pushes it. The payload is encrypted per RFC 8291 and signed with VAPID by `web-push`, and sent through the
 * egress client; a subscription the push service answers 404 or 410 for is forgotten.
 */
@Injectable()
export class PushDispatcher implements OnApplicationBootstrap {
  /** The batches handed over so far, pushed one after the other. */
  private pushing = Promise.resolve();
  /** New messages handed over and not yet looked at. */
  private backlog = 0;

  constructor(
    private readonly feed: EventFeed,
    private readonly repository: PushRepository,
    private readonly push: PushService,
    private readonly channels: ChannelsService,
    private readonly workspaces: WorkspacesService,
    private readonly presence: PresenceService,
    private readonly egress: EgressClient,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    // Push is best effort and slow (the database, a push service far away): the feed hands it its batches and
    // goes on at once, so realtime delivery never waits for it. Batches are pushed in order, one at a time.
    this.feed.subscribe((events) => {
      const created = events.filter((event) => event.type === 'message.created');
      if (created.length === 0) return Promise.resolve();
      if (this.backlog >= MAX_BACKLOG_EVENTS) {
        this.logger.warn({ dropped: created.length }, 'push notifications dropped: too many waiting');
        return Promise.resolve();
      }
      this.backlog += created.length;
      this.pushing = this.pushing.then(async () => {
        for (const event of created) {
          this.backlog -= 1;
          await this.dispatch(event as StoredEvent<'message.created'>).catch((error: unknown) =>
            this.logger.warn({ err: error, seq: event.seq }, 'push notification failed'),
          );
        }
      });
      return Promise.resolve();
    });
  }

  private async dispatch(event: StoredEvent<'message.created'>): Promise<void> {
    const message = event.data;
    const direct = await this.channels.findDirect(message.workspaceId, message.channelId);
    const addressed = new Set([...(message.mentions ?? []), ...(direct?.memberIds ?? [])]);
    addressed.delete(message.userId);
    if (addressed.size === 0) return;
    const away = this.presence
      .statuses([...addressed])
      .filter(({ status }) => status === 'offline')
      .map(({ userId }) => userId);
    let recipients = await this.channels.notifiable(message.channelId, away);
    if (recipients.length === 0) return;
    const now = this.clock.now();
    const quiet = await this.repository.quietHours(recipients);
    recipients = recipients.filter((userId) => !quiet.has(userId) || !isQuiet(quiet.get(userId)!, now));
    const subscriptions = await this.repository.ofUsers(recipients);
    if (subscriptions.length === 0) return;
    if (!(await this.repository.claim(event.seq, new Date(now), new Date(now - CLAIM_RETENTION_MS)))) return;
    const payload = await this.payload(event, direct !== undefined, recipients[0]);
    await Promise.all(subscriptions.map((subscription) => this.send(subscription, payload)));
  }

  private async payload(
    event: StoredEvent<'message.created'>,
    direct: boolean,
    reader: string,
  ): Promise<PushPayload> {
    const message = event.data;
    const author = (await this.workspaces.findMember(message.workspaceId, message.userId))?.displayName ?? '';
    const channel = direct ? undefined : await this.channels.get(message.channelId, reader);
    return {
      title: channel ? `${author} · #${channel.name ?? ''}` : author,
      body: message.text.slice(0, BODY_MAX_CHARS),
      url: `/w/${message.workspaceId}/c/${message.channelId}`,
      tag: message.id,
    };
  }

  private async send(subscription: PushSubscriptionRow, payload: PushPayload): Promise<void> {
    const { publicKey, privateKey } = this.push.vapidKeys;
    const expiration = Math.floor(this.clock.now() / 1000) + VAPID_LIFETIME_SECONDS;
    const vapid = webPush.getVapidHeaders(
      new URL(subscription.endpoint).origin,
      this.config.pushContact,
      publicKey,
      privateKey,
      'aes128gcm',
      expiration,
    );
    const request = webPush.generateRequestDetails(
      { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
      JSON.stringify(payload),
      // The VAPID headers are ours (signed with this clock's time), so none of the library's own.
      { headers: vapid, TTL: this.config.pushTtlSeconds, urgency: 'high' },
    );
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
    );
    const answer = await this.egress.fetch(
      request.endpoint,
      { method: request.method, headers, body: request.body ?? undefined },
      { timeoutMs: 10_000, maxResponseBytes: 64 * 1024, truncateResponse: true },
    );
    if (answer.status === 404 || answer.status === 410) await this.repository.deleteGone(subscription);
    else if (answer.status >= 400)
      this.logger.warn({ status: answer.status, subscription: subscription.id }, 'push service refused');
  }
}
