import {
  clockIn,
  definePlugin,
  isKnownZone,
  type CommandResponse,
  type PluginContext,
} from '@jokkaer/sdk-plugin';
import { loadFeed, hostOf, normalizeUrl, WINDOW_DAYS } from './feed';
import { agenda, timeRange } from './format';
import { FeedError, hash, type Occurrence } from './ics';
import {
  channelOccurrences,
  occKey,
  reminderKey,
  subscribedChannels,
  subscriptions,
  updateSubscriptions,
  type Reminder,
  type Subscription,
} from './store';

/**
 * Calendar feeds for channels: `/cal add <ics-url>` subscribes the channel to a feed, which the `refresh`
 * schedule fetches every 15 minutes and expands into the next days' occurrences (kept in KV); `remind` posts a
 * reminder `reminderMinutes` before each timed event; a call started during an event is linked to it.
 */

const MAX_SUBSCRIPTIONS = 10;
/** The refresh stops starting fetches after this long, leaving time to store what it has (limit: 30 s). */
const REFRESH_BUDGET_MS = 20_000;
const PARALLEL_FETCHES = 8;
const NO_CALENDAR = 'This channel follows no calendar yet: `/cal add <ics-url>`.';
const USAGE =
  'Usage: `/cal today` · `/cal week` · `/cal add <ics-url>` · `/cal list` · `/cal remove <number|url>`';

const zoneOf = (ctx: PluginContext) => {
  // The schema only checks the shape of the name; an unknown zone falls back to UTC.
  const zone = ctx.settings.timezone;
  return typeof zone === 'string' && isKnownZone(zone) ? zone : 'UTC';
};

const reply = (
  text: string,
  responseType: CommandResponse['responseType'] = 'ephemeral',
): CommandResponse => ({
  responseType,
  text,
});

/** Fetches one subscription and records the outcome; a failure keeps the last good occurrences. */
async function refresh(ctx: PluginContext, channelId: string, sub: Subscription, now: number, zone: string) {
  let outcome: Partial<Subscription>;
  try {
    const feed = await loadFeed(ctx, sub.url, now, zone);
    await ctx.kv.set(occKey(channelId, sub.id), feed.occurrences);
    outcome = { lastSuccess: now, error: null, events: feed.occurrences.length };
  } catch (error) {
    if (!(error instanceof FeedError)) throw error;
    outcome = { error: error.message };
  }
  const items = await updateSubscriptions(ctx, channelId, (current) =>
    current.map((item) => (item.id === sub.id ? { ...item, ...outcome, lastFetch: now } : item)),
  );
  // Removed while it was being fetched: drop what was just stored for it.
  if (!items.some((item) => item.id === sub.id)) await ctx.kv.delete(occKey(channelId, sub.id));
}

function describe(sub: Subscription, index: number, zone: string): string {
  const head = `${index + 1}. *${sub.label}* — ${sub.url}`;
  const updated = sub.lastSuccess === null ? 'never' : clockIn(sub.lastSuccess, zone);
  if (sub.error) return `${head}\n   ⚠️ last refresh failed: ${sub.error} (data from ${updated})`;
  return `${head}\n   ${sub.events} upcoming events, updated ${updated}`;
}

async function add(ctx: PluginContext, channelId: string, input: string) {
  const url = normalizeUrl(input);
  if (!url) return reply(`\`${input.slice(0, 200)}\` is not an http(s) or webcal URL.\n${USAGE}`);
  const current = await subscriptions(ctx, channelId);
  if (current.some((sub) => sub.url === url)) return reply('This channel already follows that calendar.');
  if (current.length >= MAX_SUBSCRIPTIONS)
    return reply(`A channel follows at most ${MAX_SUBSCRIPTIONS} calendars: \`/cal remove\` one first.`);
  const now = await ctx.now();
  let feed;
  try {
    feed = await loadFeed(ctx, url, now, zoneOf(ctx));
  } catch (error) {
    if (error instanceof FeedError) return reply(`Could not add ${url}: ${error.message}.`);
    throw error;
  }
  const sub: Subscription = {
    id: hash(url),
    url,
    label: feed.name ?? hostOf(url),
    lastFetch: now,
    lastSuccess: now,
    error: null,
    events: feed.occurrences.length,
  };
  await ctx.kv.set(occKey(channelId, sub.id), feed.occurrences);
  await updateSubscriptions(ctx, channelId, (items) =>
    items.some((item) => item.id === sub.id) ? items : [...items, sub],
  );
  const skipped = feed.skipped > 0 ? ` (${feed.skipped} unreadable events left out)` : '';
  return reply(
    `📅 This channel now follows *${sub.label}*: ${sub.events} events in the next ${WINDOW_DAYS} days${skipped}.`,
    'in_channel',
  );
}

async function remove(ctx: PluginContext, channelId: string, input: string) {
  if (!input) return reply(USAGE);
  const current = await subscriptions(ctx, channelId);
  const byNumber = /^\d+$/.test(input) ? current[Number(input) - 1] : undefined;
  const target = byNumber ?? current.find((sub) => sub.url === (normalizeUrl(input) ?? input));
  if (!target) return reply(`No calendar "${input}" here; \`/cal list\` shows them.`);
  await updateSubscriptions(ctx, channelId, (items) => items.filter((item) => item.id !== target.id));
  await ctx.kv.delete(occKey(channelId, target.id));
  return reply(`This channel no longer follows *${target.label}*.`, 'in_channel');
}

/** Posts the reminder of an occurrence unless one was posted already (compare-and-set on its key). */
async function remind(
  ctx: PluginContext,
  channelId: string,
  occurrence: Occurrence,
  now: number,
  zone: string,
) {
  const key = reminderKey(channelId, occurrence);
  const ttlSeconds = Math.ceil((occurrence.end - now) / 1000) + 86_400;
  const claimed = await ctx.kv.set(key, { messageId: null } satisfies Reminder, {
    ttlSeconds,
    ifVersion: null,
  });
  if (!claimed) return;
  const minutes = Math.max(1, Math.round((occurrence.start - now) / 60_000));
  const where = occurrence.location ? ` · ${occurrence.location}` : '';
  const message = await ctx.messages.post({
    channelId,
    text: `⏰ *${occurrence.title}* starts in ${minutes} min (${timeRange(occurrence, zone)} ${zone})${where}`,
  });
  await ctx.kv.set(key, { messageId: message.id } satisfies Reminder, {
    ttlSeconds,
    ifVersion: claimed.version,
  });
}

export default definePlugin({
  commands: {
    cal: async ({ args, channelId }, ctx) => {
      const [sub = '', ...rest] = args.trim().split(/\s+/);
      const argument = rest.join(' ');
      switch (sub.toLowerCase()) {
        case 'today':
        case 'week': {
          const days = sub.toLowerCase() === 'today' ? 1 : 7;
          if ((await subscriptions(ctx, channelId)).length === 0) return reply(NO_CALENDAR);
          const now = await ctx.now();
          return reply(agenda(await channelOccurrences(ctx, channelId), now, zoneOf(ctx), days));
        }
        case 'add':
          return add(ctx, channelId, argument);
        case 'remove':
          return remove(ctx, channelId, argument);
        case 'list': {
          const current = await subscriptions(ctx, channelId);
          if (current.length === 0) return reply(NO_CALENDAR);
          return reply(current.map((item, index) => describe(item, index, zoneOf(ctx))).join('\n'));
        }
        default:
          return reply(USAGE);
      }
    },
  },

  schedules: {
    refresh: async (ctx) => {
      const started = Date.now();
      const now = await ctx.now();
      const zone = zoneOf(ctx);
      const work: { channelId: string; sub: Subscription }[] = [];
      for (const channelId of await subscribedChannels(ctx)) {
        for (const sub of await subscriptions(ctx, channelId)) work.push({ channelId, sub });
      }
      // The stalest first, so feeds a busy run left out go first next time.
      work.sort((a, b) => a.sub.lastFetch - b.sub.lastFetch);
      for (let i = 0; i < work.length && Date.now() - started < REFRESH_BUDGET_MS; i += PARALLEL_FETCHES) {
        await Promise.all(
          work
            .slice(i, i + PARALLEL_FETCHES)
            .map(({ channelId, sub }) => refresh(ctx, channelId, sub, now, zone)),
        );
      }
    },

    remind: async (ctx) => {
      const minutes = Number(ctx.settings.reminderMinutes ?? 10);
      if (minutes <= 0) return;
      const now = await ctx.now();
      const zone = zoneOf(ctx);
      for (const channelId of await subscribedChannels(ctx)) {
        const due = (await channelOccurrences(ctx, channelId)).filter(
          (o) => !o.allDay && o.start - minutes * 60_000 <= now && now < o.start,
        );
        for (const occurrence of due) await remind(ctx, channelId, occurrence, now, zone);
      }
    },
  },

  on: {
    'call.started': async (call, ctx) => {
      const now = await ctx.now();
      const running = (await channelOccurrences(ctx, call.channelId)).filter(
        (o) => !o.allDay && o.start <= now && now < o.end,
      );
      if (running.length === 0) return;
      // Events arrive at least once: link each call once.
      if (!(await ctx.kv.set(`call/${call.id}`, true, { ttlSeconds: 86_400, ifVersion: null }))) return;
      let threadId: string | undefined;
      for (const occurrence of running) {
        threadId ??=
          (await ctx.kv.get<Reminder>(reminderKey(call.channelId, occurrence)))?.messageId ?? undefined;
      }
      const titles = running.map((o) => `*${o.title}*`).join(' and ');
      await ctx.messages.post({
        channelId: call.channelId,
        threadId,
        text: `📞 A call started during ${titles}`,
      });
    },
  },
});
