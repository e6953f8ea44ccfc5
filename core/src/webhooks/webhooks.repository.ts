import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import { Clock } from '../common/clock';
import type { SlackSubscriber } from '../slack/slack-events';

export interface SigningSecret {
  secret: string;
  /** When a rotated-out secret stops signing; null for the current one. */
  expiresAt: string | null;
}

export interface WebhookRow {
  id: string;
  workspaceId: string;
  createdBy: string;
  url: string;
  events: string[];
  channelIds: string[] | null;
  secrets: SigningSecret[];
  enabled: boolean;
  disabledReason: string | null;
  failingSince: Date | null;
  createdSeq: string;
  /** Set for an app's event subscription, which only its install manages. */
  installId: string | null;
  /** `slack`: a Slack app's subscription, sent Slack's Events API envelope, signature and retries. */
  format: DeliveryFormat;
  createdAt: Date;
  updatedAt: Date;
}

export type DeliveryFormat = 'standard' | 'slack';

/** An enabled subscription with, for a Slack app's, what its envelopes are made from. */
export type FanoutTarget = WebhookRow & Partial<Omit<SlackSubscriber, 'workspaceId' | 'botUserId'>>;

/** Webhook endpoints: a workspace's, or an app's event subscription. */
@Injectable()
export class WebhooksRepository {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async insert(
    row: Omit<
      WebhookRow,
      'enabled' | 'disabledReason' | 'failingSince' | 'installId' | 'format' | 'createdAt' | 'updatedAt'
    > & {
      installId?: string;
      format?: DeliveryFormat;
    },
  ) {
    const [created] = await this.db
      .conn('webhooks')
      .insert({ ...row, secrets: JSON.stringify(row.secrets) })
      .returning<WebhookRow[]>('*');
    return created;
  }

  async find(workspaceId: string, id: string): Promise<WebhookRow | undefined> {
    return await this.db
      .conn('webhooks')
      .where({ workspaceId, id })
      .whereNull('installId')
      .first<WebhookRow | undefined>();
  }

  async list(workspaceId: string): Promise<WebhookRow[]> {
    return await this.db
      .conn('webhooks')
      .where({ workspaceId })
      .whereNull('installId')
      .orderBy('createdAt')
      .select<WebhookRow[]>();
  }

  async update(
    id: string,
    patch: Partial<
      Pick<WebhookRow, 'url' | 'events' | 'channelIds' | 'secrets' | 'enabled' | 'disabledReason'>
    >,
  ): Promise<WebhookRow> {
    const values: Record<string, unknown> = { ...patch, updatedAt: this.clock.date() };
    if (patch.secrets) values.secrets = JSON.stringify(patch.secrets);
    // Re-enabling starts the failure clock afresh.
    if (patch.enabled) values.failingSince = null;
    const [row] = await this.db.conn('webhooks').where({ id }).update(values).returning<WebhookRow[]>('*');
    return row;
  }

  async delete(id: string): Promise<void> {
    await this.db.conn('webhooks').where({ id }).delete();
  }

  async deleteAppSubscription(installId: string, format: DeliveryFormat): Promise<void> {
    await this.db.conn('webhooks').where({ installId, format }).delete();
  }

  async enabledIn(workspaceIds: string[]): Promise<FanoutTarget[]> {
    return await this.db
      .conn('webhooks as w')
      .leftJoin('appInstalls as i', 'i.id', 'w.installId')
      .leftJoin('apps as a', 'a.id', 'i.appId')
      .whereIn('w.workspaceId', workspaceIds)
      .where('w.enabled', true)
      .select<FanoutTarget[]>('w.*', 'a.id as appId', 'a.clientId', 'a.slackEvents', 'i.scopes');
  }

  /** What the fan-out's directory keeps of enabled webhooks, of one workspace or of all. */
  async enabledSubscriptions(
    workspaceId?: string,
  ): Promise<Pick<WebhookRow, 'id' | 'workspaceId' | 'events'>[]> {
    const query = this.db.conn('webhooks').where({ enabled: true });
    if (workspaceId !== undefined) void query.where({ workspaceId });
    return await query.select<Pick<WebhookRow, 'id' | 'workspaceId' | 'events'>[]>(
      'id',
      'workspaceId',
      'events',
    );
  }

  /** Notes a failure; returns since when the endpoint has been failing without a success. */
  async markFailing(webhookId: string, at: Date): Promise<Date | undefined> {
    const { rows } = await this.db.conn.raw<{ rows: { failing_since: Date }[] }>(
      'UPDATE webhooks SET failing_since = coalesce(failing_since, ?) WHERE id = ? AND enabled RETURNING failing_since',
      [at, webhookId],
    );
    return rows[0]?.failing_since;
  }

  /** Disables an enabled endpoint; false when it already was. */
  async disable(webhookId: string, reason: string): Promise<WebhookRow | undefined> {
    const [row] = await this.db
      .conn('webhooks')
      .where({ id: webhookId, enabled: true })
      .update({ enabled: false, disabledReason: reason, updatedAt: this.clock.date() })
      .returning<WebhookRow[]>('*');
    return row;
  }
}
