import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { AuditAction } from '../audit/audit.schemas';
import { ChannelsService } from '../channels/channels.service';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { conflict, notFound } from '../common/problem';
import { Database } from '../database/database';
import { EgressClient } from '../egress/egress.client';
import { EventFeed } from '../events/event-feed';
import { EventsRepository } from '../events/events.repository';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { generateSecret } from './webhook-signature';
import { WebhookWorker } from './webhook-worker';
import { DeliveryRow, WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { DeliveryFormat, SigningSecret, WebhookRow, WebhooksRepository } from './webhooks.repository';
import type {
  CreateWebhookBody,
  DeliveriesQuery,
  DeliveryView,
  UpdateWebhookBody,
  WebhookView,
} from './webhooks.schemas';

const DEFAULT_ROTATION_GRACE_SECONDS = 86_400;

const toWebhookView = (row: WebhookRow): WebhookView => ({
  id: row.id,
  workspaceId: row.workspaceId,
  url: row.url,
  events: row.events,
  channelIds: row.channelIds,
  enabled: row.enabled,
  disabledReason: row.disabledReason,
  failingSince: row.failingSince?.toISOString() ?? null,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const toDeliveryView = (row: DeliveryRow): DeliveryView => ({
  id: row.id,
  messageId: `msg_${row.id}`,
  eventType: row.eventType,
  eventSeq: Number(row.eventSeq),
  status: row.status,
  attempts: row.attemptLog.map((attempt) => ({
    attemptedAt: new Date(attempt.attemptedAt).toISOString(),
    statusCode: attempt.statusCode,
    durationMs: attempt.durationMs,
    error: attempt.error,
    responseExcerpt: attempt.responseExcerpt,
  })),
  nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
  lastError: row.lastError,
  createdAt: row.createdAt.toISOString(),
  finishedAt: row.finishedAt?.toISOString() ?? null,
});

/** Outgoing webhook subscriptions: workspace owners and admins manage them and read their delivery logs. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly events: EventsRepository,
    private readonly repository: WebhooksRepository,
    private readonly queue: WebhookDeliveriesRepository,
    private readonly workspaces: WorkspacesService,
    private readonly channels: ChannelsService,
    private readonly egress: EgressClient,
    private readonly feed: EventFeed,
    private readonly worker: WebhookWorker,
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly audit: AuditService,
  ) {}

  async create(workspaceId: string, userId: string, body: CreateWebhookBody) {
    await this.workspaces.requireAdmin(workspaceId, userId);
    await this.egress.assertFetchable(body.url, 'url');
    await this.checkChannels(workspaceId, userId, body.channelIds);
    const secret = generateSecret();
    const row = await this.changing(workspaceId, async () => {
      const created = await this.repository.insert({
        id: newId(),
        workspaceId,
        createdBy: userId,
        url: body.url,
        events: body.events,
        channelIds: body.channelIds ?? null,
        secrets: [{ secret, expiresAt: null }],
        // Only events after this moment are delivered.
        createdSeq: this.feed.seq,
      });
      await this.recordChange('webhook.created', created, {
        url: auditedUrl(body.url),
        events: body.events,
        channelIds: body.channelIds ?? null,
      });
      return created;
    });
    return { ...toWebhookView(row), secret };
  }

  /**
   * An installed app's event subscription: delivered like any webhook, limited to what the install's bot
   * may see, signed with a Standard Webhooks secret made from the app's signing secret (so the app needs no
   * second secret) or, for Slack's Events API, as Slack signs; removed with the install.
   */
  async subscribeApp(install: {
    id: string;
    workspaceId: string;
    botUserId: string;
    url: string;
    events: string[];
    signingSecret: string;
    format: DeliveryFormat;
  }): Promise<void> {
    await this.changing(install.workspaceId, () =>
      this.repository.insert({
        id: newId(),
        workspaceId: install.workspaceId,
        createdBy: install.botUserId,
        url: install.url,
        events: install.events,
        channelIds: null,
        secrets: [
          {
            // Slack signs with the signing secret itself.
            secret:
              install.format === 'slack'
                ? install.signingSecret
                : `whsec_${Buffer.from(install.signingSecret, 'hex').toString('base64')}`,
            expiresAt: null,
          },
        ],
        createdSeq: this.feed.seq,
        installId: install.id,
        format: install.format,
      }),
    );
  }

  /** Ends one of an install's subscriptions (the app changed where its Slack events go). */
  async unsubscribeAppFrom(install: { id: string; workspaceId: string }, format: DeliveryFormat) {
    await this.changing(install.workspaceId, () => this.repository.deleteAppSubscription(install.id, format));
  }

  /** Removing an install removes its event subscription (ON DELETE CASCADE): every instance is told. */
  async unsubscribeApp(install: { workspaceId: string }, removeInstall: () => Promise<void>): Promise<void> {
    await this.changing(install.workspaceId, removeInstall);
  }

  async list(workspaceId: string, userId: string): Promise<{ items: WebhookView[] }> {
    await this.workspaces.requireAdmin(workspaceId, userId);
    return { items: (await this.repository.list(workspaceId)).map(toWebhookView) };
  }

  async get(workspaceId: string, webhookId: string, userId: string): Promise<WebhookView> {
    return toWebhookView(await this.require(workspaceId, webhookId, userId));
  }

  async update(workspaceId: string, webhookId: string, userId: string, body: UpdateWebhookBody) {
    await this.require(workspaceId, webhookId, userId);
    if (body.url !== undefined) await this.egress.assertFetchable(body.url, 'url');
    if (body.channelIds) await this.checkChannels(workspaceId, userId, body.channelIds);
    const row = await this.changing(workspaceId, async () => {
      const updated = await this.repository.update(webhookId, {
        ...(body.url !== undefined ? { url: body.url } : {}),
        ...(body.events !== undefined ? { events: body.events } : {}),
        ...(body.channelIds !== undefined ? { channelIds: body.channelIds } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled, disabledReason: null } : {}),
      });
      await this.recordChange('webhook.updated', updated, {
        ...body,
        ...(body.url !== undefined ? { url: auditedUrl(body.url) } : {}),
      });
      return updated;
    });
    if (body.enabled) this.worker.wake(); // retries that were pending when it was disabled resume
    return toWebhookView(row);
  }

  async delete(workspaceId: string, webhookId: string, userId: string): Promise<void> {
    const webhook = await this.require(workspaceId, webhookId, userId);
    await this.changing(workspaceId, async () => {
      await this.repository.delete(webhookId);
      await this.recordChange('webhook.deleted', webhook, { url: auditedUrl(webhook.url) });
    });
  }

  /**
   * A new secret signs from now on; the previous one keeps signing alongside it for the grace period, so
   * receivers can switch without missing a delivery. Earlier secrets stop at once.
   */
  async rotateSecret(workspaceId: string, webhookId: string, userId: string, graceSeconds?: number) {
    const webhook = await this.require(workspaceId, webhookId, userId);
    const now = this.clock.now();
    const grace = graceSeconds ?? DEFAULT_ROTATION_GRACE_SECONDS;
    const current = webhook.secrets.find((entry) => entry.expiresAt === null);
    const secret = generateSecret();
    const previousExpiresAt = current && grace > 0 ? new Date(now + grace * 1000).toISOString() : null;
    const secrets: SigningSecret[] = [{ secret, expiresAt: null }];
    if (current && previousExpiresAt) secrets.push({ secret: current.secret, expiresAt: previousExpiresAt });
    await this.db.transaction(async () => {
      await this.repository.update(webhookId, { secrets });
      await this.recordChange('webhook.rotated', webhook, { previousExpiresAt });
    });
    return { secret, previousExpiresAt };
  }

  async deliveries(
    workspaceId: string,
    webhookId: string,
    userId: string,
    query: DeliveriesQuery,
  ): Promise<Page<DeliveryView>> {
    await this.require(workspaceId, webhookId, userId);
    const limit = query.limit ?? 50;
    const before = decodeCursor(query.cursor, { eventSeq: 'bigint' });
    const rows = await this.queue.listDeliveries(webhookId, limit + 1, query.status, before?.eventSeq);
    return toPage(rows.map(toDeliveryView), limit, (last) => ({ eventSeq: String(last.eventSeq) }));
  }

  /** Sends a finished delivery again, with the same message id (receivers deduplicate on it). */
  async redeliver(workspaceId: string, webhookId: string, deliveryId: string, userId: string) {
    await this.require(workspaceId, webhookId, userId);
    const delivery = await this.queue.findDelivery(webhookId, deliveryId);
    if (!delivery) throw notFound('Delivery');
    if (delivery.status === 'pending') throw conflict('The delivery is still queued');
    await this.db.transaction(async () => {
      await this.queue.requeue(webhookId, new Date(this.clock.now()), { deliveryId });
      await this.recordChange('webhook.redelivered', { id: webhookId, workspaceId }, { deliveryId });
    });
    this.worker.wake();
    return { id: deliveryId, status: 'pending' as const };
  }

  /** Queues again every delivery that failed since `since` (after an outage on the receiver's side). */
  async recover(workspaceId: string, webhookId: string, userId: string, since: string) {
    await this.require(workspaceId, webhookId, userId);
    const requeued = await this.db.transaction(async () => {
      const count = await this.queue.requeue(webhookId, new Date(this.clock.now()), {
        failedSince: new Date(since),
      });
      await this.recordChange(
        'webhook.redelivered',
        { id: webhookId, workspaceId },
        { failedSince: since, count },
      );
      return count;
    });
    this.worker.wake();
    return { requeued };
  }

  /** A change to the workspace's webhooks, with the event that tells every instance's fan-out (WebhookFanout). */
  private changing<T>(workspaceId: string, change: () => Promise<T>): Promise<T> {
    return this.events.appendAfter('webhooks.changed', { ofWorkspace: workspaceId }, change);
  }

  /** Inside the change's transaction; summaries hold no secret (signing secrets are never recorded). */
  private recordChange(
    action: AuditAction,
    webhook: Pick<WebhookRow, 'id' | 'workspaceId'>,
    summary: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record({
      action,
      workspaceId: webhook.workspaceId,
      target: { kind: 'webhook', id: webhook.id },
      summary,
    });
  }

  private async require(workspaceId: string, webhookId: string, userId: string): Promise<WebhookRow> {
    await this.workspaces.requireAdmin(workspaceId, userId);
    const webhook = await this.repository.find(workspaceId, webhookId);
    if (!webhook) throw notFound('Webhook');
    return webhook;
  }

  /** A channel filter may name only channels of this workspace that the creator can read. */
  private async checkChannels(workspaceId: string, userId: string, channelIds: string[] | null | undefined) {
    for (const channelId of channelIds ?? []) {
      const { channel } = await this.channels.requireReadable(channelId, userId);
      if (channel.workspaceId !== workspaceId) throw notFound('Channel');
    }
  }
}

/** A receiver's URL as the audit log keeps it: without credentials or query, where receivers put tokens. */
function auditedUrl(url: string): string {
  const parsed = new URL(url);
  return parsed.origin + parsed.pathname;
}
