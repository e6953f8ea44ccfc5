import {
  definePlugin,
  isKnownZone,
  type CommandResponse,
  type Message,
  type PluginContext,
} from '@jokkaer/sdk-plugin';
import { formatClock, inQuietHours, parseWindow, type QuietHours } from './quiet-hours';
import { send, SERVICE_NAMES, type Notification, type ServiceName, type Services } from './services';
import { secretKey } from './signature';
import {
  claim,
  readDelivery,
  readPreferences,
  recordDelivery,
  takeRateSlot,
  updatePreferences,
  type Preferences,
} from './store';

/**
 * Notification connectors: people choose with `/notify` where their mentions and direct messages go while
 * they are offline (ntfy, Gotify, Pushover, a signed webhook), and when not to (quiet hours). Each message
 * notifies each person at most once, within an hourly limit.
 */

interface Settings {
  pushoverAppToken?: string;
  rateLimitPerHour: number;
  notifyWhenAway: boolean;
  includeText: boolean;
  quietHours?: string;
  timezone: string;
  linkTemplate?: string;
}

const USAGE = [
  '*/notify* sends your mentions and direct messages to your phone while you are offline:',
  '• `/notify ntfy <topic-url> [token]`: an ntfy topic (ntfy.sh or your own server)',
  '• `/notify gotify <server-url> <app-token>`: a Gotify server',
  '• `/notify pushover <user-key>`: Pushover',
  '• `/notify webhook <url> <secret>`: a signed webhook (Standard Webhooks; secret `whsec_…` or 16+ characters)',
  '• `/notify quiet <22:00-07:00> [Europe/Oslo]`: nothing during these hours; `/notify quiet off` to remove',
  '• `/notify off [service]`: stops one service, or everything',
  '• `/notify status`: what you set up · `/notify test`: sends a test notification now',
].join('\n');

const settingsOf = (ctx: PluginContext) => ctx.settings as unknown as Settings;
const ephemeral = (text: string): CommandResponse => ({ responseType: 'ephemeral', text });

const HTTP_URL = /^https?:\/\/[^\s/?#@]+(?:[/?#]\S*)?$/i;
/** ntfy needs the topic in the path. */
const TOPIC_URL = /^https?:\/\/[^\s/?#@]+\/[^\s/?#]+\/?$/i;
/** Pushover user and group keys. */
const PUSHOVER_KEY = /^[A-Za-z0-9]{30}$/;
const MIN_RAW_SECRET = 16;
const MAX_MESSAGE = 1000;

const originOf = (url: string) => /^https?:\/\/[^/?#]+/i.exec(url)?.[0] ?? url;
const mask = (secret: string) => (secret.length > 8 ? `${secret.slice(0, 4)}…` : '…');

/** The person's own quiet hours, else the admin's default. */
function quietHoursOf(preferences: Preferences, settings: Settings): QuietHours | undefined {
  if (preferences.quiet !== undefined) return preferences.quiet ?? undefined;
  const window = settings.quietHours ? parseWindow(settings.quietHours) : undefined;
  return window && isKnownZone(settings.timezone) ? { ...window, timeZone: settings.timezone } : undefined;
}

const describeQuiet = (quiet: QuietHours) =>
  `${formatClock(quiet.from)}-${formatClock(quiet.to)} ${quiet.timeZone}`;

function describeService(name: ServiceName, services: Services): string {
  switch (name) {
    case 'ntfy':
      return `ntfy: ${originOf(services.ntfy!.url)}/…${services.ntfy!.token ? ` (token ${mask(services.ntfy!.token)})` : ''}`;
    case 'gotify':
      return `Gotify: ${services.gotify!.url} (token ${mask(services.gotify!.token)})`;
    case 'pushover':
      return `Pushover: user ${mask(services.pushover!.userKey)}`;
    case 'webhook':
      return `webhook: ${originOf(services.webhook!.url)}/… (secret ${mask(services.webhook!.secret)})`;
  }
}

/** Sends to each of the person's services at once; records each outcome for `/notify status`. */
async function deliver(
  ctx: PluginContext,
  services: Services,
  notification: Notification,
): Promise<{ service: ServiceName; error?: string }[]> {
  const names = SERVICE_NAMES.filter((name) => services[name] !== undefined);
  const context = { pushoverAppToken: settingsOf(ctx).pushoverAppToken };
  return Promise.all(
    names.map(async (service) => {
      const error = await send(ctx, service, services, notification, context);
      // Failures are not thrown: one person's broken endpoint must not get the install disabled.
      if (error) ctx.log.warn('notification not delivered', { service, userId: notification.userId, error });
      await recordDelivery(ctx, notification.userId, service, { at: notification.at, error });
      return { service, error };
    }),
  );
}

type Change = (preferences: Preferences) => Preferences;

/** `/notify <service> …`: the change to make, or the answer explaining why not. */
function parseService(name: ServiceName, words: string[], settings: Settings): Change | string {
  const [target, secret, ...rest] = words;
  const set =
    (services: Services): Change =>
    (current) => ({
      ...current,
      services: { ...current.services, ...services },
    });
  if (rest.length > 0) return `Too many words. ${USAGE}`;
  switch (name) {
    case 'ntfy':
      if (!target || !TOPIC_URL.test(target))
        return 'Give the topic URL, such as `/notify ntfy https://ntfy.sh/my-secret-topic [token]`.';
      return set({ ntfy: secret ? { url: target, token: secret } : { url: target } });
    case 'gotify':
      if (!target || !HTTP_URL.test(target) || !secret)
        return 'Give the server URL and an application token: `/notify gotify https://gotify.example.org <app-token>`.';
      return set({ gotify: { url: target, token: secret } });
    case 'pushover':
      if (!settings.pushoverAppToken) return 'Pushover is not available: the admin has not set it up.';
      if (!target || !PUSHOVER_KEY.test(target) || secret)
        return 'Give your Pushover user key (30 letters and digits): `/notify pushover <user-key>`.';
      return set({ pushover: { userKey: target } });
    case 'webhook':
      if (!target || !HTTP_URL.test(target) || !secret)
        return 'Give the URL and a secret: `/notify webhook https://hooks.example.org/x whsec_…`.';
      if (!secretKey(secret) || (!secret.startsWith('whsec_') && secret.length < MIN_RAW_SECRET))
        return `The secret must be \`whsec_\` and base64, or at least ${MIN_RAW_SECRET} characters.`;
      return set({ webhook: { url: target, secret } });
  }
}

function parseQuiet(words: string[], settings: Settings): Change | string {
  if (words.length === 1 && words[0].toLowerCase() === 'off')
    return (current) => ({ ...current, quiet: null });
  const window = words[0] ? parseWindow(words[0]) : undefined;
  const timeZone = words[1] ?? settings.timezone;
  if (!window || words.length > 2) return 'Give the hours as `/notify quiet 22:00-07:00 [Europe/Oslo]`.';
  if (!isKnownZone(timeZone)) return `Unknown time zone ${timeZone}: use a name such as Europe/Oslo.`;
  return (current) => ({ ...current, quiet: { ...window, timeZone } });
}

function parseOff(words: string[]): Change | string {
  if (words.length === 0) return () => ({ services: {} });
  const name = words[0].toLowerCase() as ServiceName;
  if (words.length > 1 || !SERVICE_NAMES.includes(name))
    return `Say which service to stop: ${SERVICE_NAMES.join(', ')}, or nothing for all.`;
  return (current) => {
    const services = { ...current.services };
    delete services[name];
    return { ...current, services };
  };
}

async function status(ctx: PluginContext, userId: string): Promise<string> {
  const settings = settingsOf(ctx);
  const preferences = (await readPreferences(ctx, userId)) ?? { services: {} };
  const names = SERVICE_NAMES.filter((name) => preferences.services[name] !== undefined);
  const lines = await Promise.all(
    names.map(async (name) => {
      const last = await readDelivery(ctx, userId, name);
      const outcome = !last
        ? ''
        : `; last sent ${new Date(last.at).toISOString().slice(0, 16).replace('T', ' ')} UTC${last.error ? `, failed: ${last.error}` : ', ok'}`;
      return `• ${describeService(name, preferences.services)}${outcome}`;
    }),
  );
  const quiet = quietHoursOf(preferences, settings);
  return [
    names.length > 0 ? 'Your notifications go to:' : 'You have no notification service set up.',
    ...lines,
    `Quiet hours: ${quiet ? describeQuiet(quiet) : 'none'}`,
    `At most ${settings.rateLimitPerHour} notifications an hour, only while you are offline.`,
  ].join('\n');
}

async function test(ctx: PluginContext, userId: string): Promise<string> {
  const preferences = await readPreferences(ctx, userId);
  if (!preferences || Object.keys(preferences.services).length === 0)
    return `You have no notification service set up yet.\n${USAGE}`;
  const now = await ctx.now();
  // Tests count too: they are sends like any other.
  if (!(await takeRateSlot(ctx, userId, now, settingsOf(ctx).rateLimitPerHour)))
    return 'You reached your hourly notification limit; try again later.';
  const results = await deliver(ctx, preferences.services, {
    id: `test_${userId}_${now}`,
    kind: 'test',
    title: 'Jōkkær test notification',
    message: 'Notifications reach you here.',
    userId,
    at: now,
  });
  return results
    .map(({ service, error }) => (error ? `✗ ${service}: ${error}` : `✓ ${service}: sent`))
    .join('\n');
}

/** Turns `<@id>` into `@Name` for the people already looked up, and shortens the text for a phone. */
function readable(text: string, names: Map<string, string>): string {
  const plain = text.replace(
    /<@([0-9a-f-]{36})>/gi,
    (_, id: string) => `@${names.get(id.toLowerCase()) ?? 'someone'}`,
  );
  return plain.length > MAX_MESSAGE ? `${plain.slice(0, MAX_MESSAGE - 1)}…` : plain;
}

function linkTo(message: Message, template: string | undefined): string | undefined {
  if (!template) return undefined;
  const values: Record<string, string> = {
    workspaceId: message.workspaceId,
    channelId: message.channelId,
    messageId: message.id,
    threadId: message.threadId ?? message.id,
  };
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

async function onMessage(message: Message, ctx: PluginContext): Promise<void> {
  const settings = settingsOf(ctx);
  const channel = await ctx.channels.get(message.channelId);
  const direct = channel?.kind === 'dm';
  const candidates = new Set([...message.mentions, ...(direct ? (channel.memberIds ?? []) : [])]);
  candidates.delete(message.userId);
  // Only people who chose somewhere to be notified cost anything more.
  const configured = (
    await Promise.all(
      [...candidates].map(async (userId) => ({ userId, preferences: await readPreferences(ctx, userId) })),
    )
  ).filter(
    (entry): entry is { userId: string; preferences: Preferences } =>
      Object.keys(entry.preferences?.services ?? {}).length > 0,
  );
  if (configured.length === 0) return;
  const presence = new Map(
    (await ctx.users.presence(configured.map((entry) => entry.userId))).map((entry) => [
      entry.userId,
      entry.status,
    ]),
  );
  const away = configured.filter(({ userId }) => {
    const status = presence.get(userId); // absent: no longer in the workspace
    return status === 'offline' || (status === 'away' && settings.notifyWhenAway);
  });
  if (away.length === 0) return;
  const now = await ctx.now();
  // The author, the recipients (are they bots?) and everyone mentioned (their names replace the <@id>s).
  const people = new Map(
    (
      await Promise.all(
        [...new Set([message.userId, ...away.map((entry) => entry.userId), ...message.mentions])].map(
          (userId) => ctx.users.get(userId),
        ),
      )
    ).flatMap((user) => (user ? [[user.id, user] as const] : [])),
  );
  const names = new Map([...people.values()].map((user) => [user.id, user.displayName]));
  const recipients = away.filter((entry) => people.get(entry.userId)?.isBot === false);
  const authorName = people.get(message.userId)?.displayName ?? 'Someone';
  const title = direct
    ? `Message from ${authorName}`
    : `${authorName} mentioned you${channel?.name ? ` in #${channel.name}` : ''}`;
  const text = settings.includeText ? readable(message.text, names) : 'Open Jōkkær to read it.';
  await Promise.all(
    recipients.map(async ({ userId, preferences }) => {
      const quiet = quietHoursOf(preferences, settings);
      if (quiet && inQuietHours(quiet, now)) return;
      // Claimed before sending: a redelivered event, or one handled twice at once, never notifies twice.
      if (!(await claim(ctx, message.id, userId))) return;
      if (!(await takeRateSlot(ctx, userId, now, settings.rateLimitPerHour))) {
        ctx.log.info('notification over the hourly limit', { userId, messageId: message.id });
        return;
      }
      await deliver(ctx, preferences.services, {
        id: `${message.id}_${userId}`,
        kind: direct ? 'direct' : 'mention',
        title,
        message: text,
        url: linkTo(message, settings.linkTemplate),
        userId,
        messageId: message.id,
        channelId: message.channelId,
        authorId: message.userId,
        at: now,
      });
    }),
  );
}

export default definePlugin({
  on: { 'message.created': onMessage },
  commands: {
    notify: async ({ args, userId }, ctx) => {
      const [first = '', ...words] = args.trim().split(/\s+/).filter(Boolean);
      const sub = first.toLowerCase();
      if (sub === 'status') return ephemeral(await status(ctx, userId));
      if (sub === 'test') return ephemeral(await test(ctx, userId));
      const settings = settingsOf(ctx);
      const change = SERVICE_NAMES.includes(sub as ServiceName)
        ? parseService(sub as ServiceName, words, settings)
        : sub === 'quiet'
          ? parseQuiet(words, settings)
          : sub === 'off'
            ? parseOff(words)
            : USAGE;
      if (typeof change === 'string') return ephemeral(change);
      const saved = await updatePreferences(ctx, userId, change);
      if (sub === 'off')
        return ephemeral(
          words.length > 0 ? `Stopped ${words[0].toLowerCase()}.` : 'All your notifications are off.',
        );
      if (sub === 'quiet') {
        const quiet = quietHoursOf(saved, settings);
        return ephemeral(`Quiet hours: ${quiet ? describeQuiet(quiet) : 'none'}.`);
      }
      return ephemeral(
        `Saved: ${describeService(sub as ServiceName, saved.services)}. Try \`/notify test\`.`,
      );
    },
  },
});
