import type { PluginContext } from '@jokkaer/sdk-plugin';
import type { Occurrence } from './ics';

/**
 * What the plugin keeps in KV, per channel:
 * - `subs/<channelId>`: its subscriptions, with the outcome of their last refresh;
 * - `occ/<channelId>/<subscriptionId>`: each feed's occurrences in the window, the last good ones when a
 *   refresh fails, so commands and reminders never wait for a feed;
 * - `remind/<channelId>/<occurrence>`: set once per reminder (compare-and-set), expiring after the event.
 * And `call/<callId>`, set once per call that was linked to an event.
 */

export interface Subscription {
  id: string;
  url: string;
  label: string;
  /** Host clock (ms) of the last fetch, and of the last one that parsed. */
  lastFetch: number;
  lastSuccess: number | null;
  /** Why the last refresh failed; null when it worked. */
  error: string | null;
  /** Occurrences in the window as of the last success. */
  events: number;
}

export interface Reminder {
  messageId: string | null;
}

export const subsKey = (channelId: string) => `subs/${channelId}`;
export const occKey = (channelId: string, subscriptionId: string) => `occ/${channelId}/${subscriptionId}`;
export const reminderKey = (channelId: string, occurrence: Occurrence) =>
  `remind/${channelId}/${occurrence.key}-${occurrence.start.toString(36)}`;

export async function subscriptions(ctx: PluginContext, channelId: string): Promise<Subscription[]> {
  return (await ctx.kv.get<Subscription[]>(subsKey(channelId))) ?? [];
}

/** Channels with subscriptions. */
export async function subscribedChannels(ctx: PluginContext): Promise<string[]> {
  return (await ctx.kv.list('subs/')).map((key) => key.slice('subs/'.length));
}

/**
 * Changes a channel's subscriptions with compare-and-set, reading again when a command or refresh wrote in
 * between, so concurrent changes are never lost.
 */
export async function updateSubscriptions(
  ctx: PluginContext,
  channelId: string,
  change: (items: Subscription[]) => Subscription[],
): Promise<Subscription[]> {
  for (let attempt = 0; attempt < 12; attempt++) {
    const entry = await ctx.kv.getEntry<Subscription[]>(subsKey(channelId));
    const next = change(entry?.value ?? []);
    if (await ctx.kv.set(subsKey(channelId), next, { ifVersion: entry?.version ?? null })) return next;
  }
  throw new Error('the subscriptions kept changing; try again');
}

/** Every cached occurrence of a channel's feeds; the same event in two feeds shows once. */
export async function channelOccurrences(ctx: PluginContext, channelId: string): Promise<Occurrence[]> {
  const lists = await Promise.all(
    (await subscriptions(ctx, channelId)).map((sub) => ctx.kv.get<Occurrence[]>(occKey(channelId, sub.id))),
  );
  const seen = new Set<string>();
  return lists
    .flatMap((list) => list ?? [])
    .filter((o) => {
      const id = `${o.title}|${o.start}|${o.end}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .sort((a, b) => a.start - b.start);
}
