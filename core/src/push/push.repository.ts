import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { QuietHours } from './push.schemas';

export interface PushSubscriptionRow {
  id: string;
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  createdAt: Date;
}

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

const pad = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const minuteOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

@Injectable()
export class PushRepository {
  constructor(private readonly db: Database) {}

  /** The stored key pair; the first caller's pair when several start at once. */
  async vapidKeys(generate: () => VapidKeys): Promise<VapidKeys> {
    const existing = await this.db
      .conn('pushVapidKeys')
      .where({ id: 1 })
      .first<VapidKeys | undefined>('publicKey', 'privateKey');
    if (existing) return existing;
    await this.db
      .conn('pushVapidKeys')
      .insert({ id: 1, ...generate() })
      .onConflict('id')
      .ignore();
    return await this.db.conn('pushVapidKeys').where({ id: 1 }).first<VapidKeys>('publicKey', 'privateKey');
  }

  /** Saves the subscription for the user; the same endpoint again (renewed keys, another account) replaces it. */
  async save(subscription: Omit<PushSubscriptionRow, 'createdAt'>): Promise<PushSubscriptionRow> {
    const [row] = await this.db
      .conn('pushSubscriptions')
      .insert(subscription)
      .onConflict('endpoint')
      .merge(['userId', 'p256dh', 'auth'])
      .returning<PushSubscriptionRow[]>('*');
    return row;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return (await this.db.conn('pushSubscriptions').where({ id, userId }).delete()) > 0;
  }

  /** Forgets a subscription the push service says is gone (404/410), unless it was replaced meanwhile. */
  async deleteGone({ id, p256dh }: Pick<PushSubscriptionRow, 'id' | 'p256dh'>): Promise<void> {
    await this.db.conn('pushSubscriptions').where({ id, p256dh }).delete();
  }

  async ofUsers(userIds: string[]): Promise<PushSubscriptionRow[]> {
    if (userIds.length === 0) return [];
    return await this.db
      .conn('pushSubscriptions')
      .whereIn('userId', userIds)
      .select<PushSubscriptionRow[]>('*');
  }

  async quietHours(userIds: string[]): Promise<Map<string, QuietHours>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db
      .conn('pushQuietHours')
      .whereIn('userId', userIds)
      .select<{ userId: string; fromMinute: number; toMinute: number; timeZone: string }[]>('*');
    return new Map(
      rows.map((row) => [
        row.userId,
        { from: pad(row.fromMinute), to: pad(row.toMinute), timeZone: row.timeZone },
      ]),
    );
  }

  async setQuietHours(userId: string, quiet: QuietHours | null): Promise<void> {
    if (!quiet) {
      await this.db.conn('pushQuietHours').where({ userId }).delete();
      return;
    }
    const row = {
      userId,
      fromMinute: minuteOf(quiet.from),
      toMinute: minuteOf(quiet.to),
      timeZone: quiet.timeZone,
    };
    await this.db.conn('pushQuietHours').insert(row).onConflict('userId').merge();
  }

  /** Whether this instance is the one to push for the event; claims older than `before` are dropped meanwhile. */
  async claim(eventSeq: string, now: Date, before: Date): Promise<boolean> {
    await this.db.conn('pushClaims').where('claimedAt', '<', before).delete();
    const inserted = await this.db
      .conn('pushClaims')
      .insert({ eventSeq, claimedAt: now })
      .onConflict('eventSeq')
      .ignore()
      .returning('eventSeq');
    return inserted.length > 0;
  }
}
