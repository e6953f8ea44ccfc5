import type { PluginContext } from '@jokkaer/sdk-plugin';
import type { QuietHours } from './quiet-hours';
import type { ServiceName, Services } from './services';

/** What one person chose with `/notify`, under `user:<userId>`. */
export interface Preferences {
  services: Services;
  /** Their own quiet hours; null: none, even if the admin set a default; absent: the admin's default. */
  quiet?: QuietHours | null;
}

/** The outcome of the last send to one service, for `/notify status`. */
export interface Delivery {
  at: number;
  error?: string;
}

const HOUR_MS = 3_600_000;
/** Long enough to outlast any redelivery of the same event. */
const SENT_TTL_SECONDS = 7 * 24 * 3600;
const DELIVERY_TTL_SECONDS = 30 * 24 * 3600;
/** Compare-and-set retries when concurrent calls write the same key. */
const ATTEMPTS = 5;

const preferencesKey = (userId: string) => `user:${userId}`;
const deliveryKey = (userId: string, service: ServiceName) => `delivery:${userId}:${service}`;

export const readPreferences = (ctx: PluginContext, userId: string) =>
  ctx.kv.get<Preferences>(preferencesKey(userId));

/**
 * Applies `change` to the person's preferences with compare-and-set, so two `/notify` commands typed at once
 * both land; preferences left with no service and no quiet hours are removed.
 */
export async function updatePreferences(
  ctx: PluginContext,
  userId: string,
  change: (current: Preferences) => Preferences,
): Promise<Preferences> {
  const key = preferencesKey(userId);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const entry = await ctx.kv.getEntry<Preferences>(key);
    // Each read is a fresh copy of the stored JSON, so `change` may modify it.
    const next = change(entry?.value ?? { services: {} });
    if (Object.keys(next.services).length === 0 && next.quiet === undefined) {
      await ctx.kv.delete(key);
      return next;
    }
    if (await ctx.kv.set(key, next, { ifVersion: entry?.version ?? null })) return next;
  }
  throw new Error('your settings changed at the same time; try again');
}

/** True only for the first caller for this message and person: a redelivered event never notifies twice. */
export async function claim(ctx: PluginContext, messageId: string, userId: string): Promise<boolean> {
  return (
    (await ctx.kv.set(`sent:${messageId}:${userId}`, 1, {
      ttlSeconds: SENT_TTL_SECONDS,
      ifVersion: null,
    })) !== null
  );
}

/** Counts a notification against the person's hourly limit; false when the limit is reached. */
export async function takeRateSlot(
  ctx: PluginContext,
  userId: string,
  now: number,
  limit: number,
): Promise<boolean> {
  const key = `rate:${userId}:${Math.floor(now / HOUR_MS)}`;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const entry = await ctx.kv.getEntry<number>(key);
    const used = entry?.value ?? 0;
    if (used >= limit) return false;
    // The key names its hour, so it only has to outlive it.
    if (await ctx.kv.set(key, used + 1, { ttlSeconds: 3600, ifVersion: entry?.version ?? null })) return true;
  }
  return false;
}

export const recordDelivery = (
  ctx: PluginContext,
  userId: string,
  service: ServiceName,
  delivery: Delivery,
) => ctx.kv.set(deliveryKey(userId, service), delivery, { ttlSeconds: DELIVERY_TTL_SECONDS });

export const readDelivery = (ctx: PluginContext, userId: string, service: ServiceName) =>
  ctx.kv.get<Delivery>(deliveryKey(userId, service));
