import { Injectable, OnModuleInit } from '@nestjs/common';
import webPush from 'web-push';
import { newId } from '../common/ids';
import { badRequest, notFound } from '../common/problem';
import { PushRepository, PushSubscriptionRow, VapidKeys } from './push.repository';
import type { PushSettings, PushSubscriptionBody, PushSubscriptionView } from './push.schemas';
import { isTimeZone } from './quiet-hours';

/**
 * Web Push subscriptions and settings: the server's VAPID key pair (made on first start, kept in the database
 * so every instance and every restart signs with it), each person's browsers, and their quiet hours.
 */
@Injectable()
export class PushService implements OnModuleInit {
  private keys: VapidKeys | undefined;

  constructor(private readonly repository: PushRepository) {}

  async onModuleInit(): Promise<void> {
    this.keys = await this.repository.vapidKeys(() => webPush.generateVAPIDKeys());
  }

  get vapidKeys(): VapidKeys {
    if (!this.keys) throw new Error('VAPID keys are read at start');
    return this.keys;
  }

  async subscribe(userId: string, body: PushSubscriptionBody): Promise<PushSubscriptionView> {
    const row = await this.repository.save({
      id: newId(),
      userId,
      endpoint: body.endpoint,
      p256dh: body.keys.p256dh,
      auth: body.keys.auth,
    });
    return toView(row);
  }

  async unsubscribe(userId: string, subscriptionId: string): Promise<void> {
    if (!(await this.repository.delete(userId, subscriptionId))) throw notFound('Push subscription');
  }

  async settings(userId: string): Promise<PushSettings> {
    return { quietHours: (await this.repository.quietHours([userId])).get(userId) ?? null };
  }

  async updateSettings(userId: string, settings: PushSettings): Promise<PushSettings> {
    if (settings.quietHours && !isTimeZone(settings.quietHours.timeZone)) {
      throw badRequest('Unknown time zone', [
        { path: 'quietHours/timeZone', message: 'must be an IANA time zone such as Europe/Paris' },
      ]);
    }
    await this.repository.setQuietHours(userId, settings.quietHours);
    return settings;
  }
}

function toView(row: PushSubscriptionRow): PushSubscriptionView {
  return { id: row.id, endpoint: row.endpoint, createdAt: row.createdAt.toISOString() };
}
