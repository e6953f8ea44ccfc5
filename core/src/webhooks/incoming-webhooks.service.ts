import { Inject, Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';
import { generateToken, hashToken } from '../auth/tokens';
import { ChannelsService } from '../channels/channels.service';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { badRequest, forbidden, notFound } from '../common/problem';
import { unstorableTextFields } from '../common/text';
import { isUuid } from '@jokkaer/sdk-plugin';
import { assertValid } from '../common/validation';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { Database } from '../database/database';
import { MessagesService } from '../messages/messages.service';
import { toAvatar } from '../profiles/avatar-image';
import { RemoteImages } from '../messages/remote-images';
import type { ImageEncoding } from '../messages/remote-images';
import type { RichContent } from '../messages/messages.schemas';
import { parseTs } from '../slack/slack-ids';
import { RateLimiter } from '../rate-limits/rate-limiter';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { IncomingWebhookRow, IncomingWebhooksRepository } from './incoming-webhooks.repository';
import { IncomingWebhookView, SlackPayload, slackPayloadSchema } from './webhooks.schemas';

const toView = (row: IncomingWebhookRow): IncomingWebhookView => ({
  id: row.id,
  channelId: row.channelId,
  name: row.name,
  botUserId: row.botUserId,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
});

/** Icons are served as small squares (twice the 24 px they show at, for sharp screens). */
const BOT_ICON: ImageEncoding = {
  name: 'bot-icon',
  maxInputBytes: 512 * 1024,
  encode: (content) => toAvatar(content, 48),
};

/**
 * Slack-compatible incoming webhooks: a secret URL that posts into one channel as the hook's own bot.
 * Channel members (not guests) create them; the token is shown once, inside the URL, and stored hashed.
 */
@Injectable()
export class IncomingWebhooksService {
  constructor(
    private readonly db: Database,
    private readonly images: RemoteImages,
    private readonly repository: IncomingWebhooksRepository,
    private readonly channels: ChannelsService,
    private readonly workspaces: WorkspacesService,
    private readonly messages: MessagesService,
    private readonly auth: AuthService,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(channelId: string, userId: string, name: string) {
    const access = await this.requireCreator(channelId, userId);
    const { raw, hash } = generateToken('incomingWebhook');
    const id = newId();
    const row = await this.db.transaction(async () => {
      const bot = await this.auth.createBot(name.trim(), 'incoming-webhook', id);
      await this.workspaces.addBot(access.channel.workspaceId, bot.id);
      await this.channels.addMember(channelId, userId, bot.id);
      return await this.repository.insert({
        id,
        workspaceId: access.channel.workspaceId,
        channelId,
        botUserId: bot.id,
        createdBy: userId,
        name: name.trim(),
        createdAt: this.clock.date(),
        tokenHash: hash,
      });
    });
    return { ...toView(row), url: `${this.config.publicUrl}/hooks/${raw}` };
  }

  async list(channelId: string, userId: string): Promise<{ items: IncomingWebhookView[] }> {
    await this.requireCreator(channelId, userId);
    return { items: (await this.repository.listInChannel(channelId)).map(toView) };
  }

  /**
   * The workspace's hooks in the channels the caller can read, for its owners and admins (hooks of private
   * channels they are not in stay as invisible as the channels).
   */
  async listInWorkspace(workspaceId: string, userId: string): Promise<{ items: IncomingWebhookView[] }> {
    await this.workspaces.requireAdmin(workspaceId, userId);
    const hooks = await this.repository.listInWorkspace(workspaceId);
    const readable = new Set<string>();
    for (const channelId of new Set(hooks.map((hook) => hook.channelId))) {
      const visible = await this.channels.requireReadable(channelId, userId).then(
        () => true,
        () => false,
      );
      if (visible) readable.add(channelId);
    }
    return { items: hooks.filter((hook) => readable.has(hook.channelId)).map(toView) };
  }

  /** A new secret URL for the hook (its creator or a workspace admin); the previous one stops at once. */
  async regenerate(hookId: string, userId: string) {
    const hook = await this.requireManager(hookId, userId, 'regenerate');
    const { raw, hash } = generateToken('incomingWebhook');
    const row = await this.repository.replaceToken(hook.id, hash);
    if (!row) throw notFound('Incoming webhook');
    return { ...toView(row), url: `${this.config.publicUrl}/hooks/${raw}` };
  }

  /** Its creator, or a workspace admin, removes a hook; its bot leaves the workspace with it. */
  async delete(hookId: string, userId: string): Promise<void> {
    const hook = await this.requireManager(hookId, userId, 'remove');
    await this.db.transaction(async () => {
      await this.repository.delete(hook.id);
      await this.workspaces.removeBot(hook.workspaceId, hook.botUserId);
    });
  }

  /** `POST /hooks/:token`: a JSON body, or a form whose `payload` field holds the JSON. */
  async receive(token: string, body: unknown): Promise<void> {
    const hook = await this.repository.findByToken(hashToken(token));
    if (!hook) throw notFound('Incoming webhook');
    const max = this.config.incomingWebhookRatePerMinute;
    await this.limiter.enforce({ key: `incoming-webhook:${hook.id}`, max, windowSeconds: 60 });
    const payload = parsePayload(body);
    const threadId =
      payload.thread_ts === undefined ? undefined : await this.threadOf(hook, payload.thread_ts);
    const botProfile = {
      ...(payload.username ? { username: payload.username } : {}),
      ...(payload.icon_url ? { iconUrl: payload.icon_url } : {}),
    };
    await this.messages.post(
      hook.channelId,
      { userId: hook.botUserId, isBot: true },
      {
        ...(payload.text !== undefined ? { text: payload.text } : {}),
        ...(payload.blocks ? { blocks: payload.blocks as RichContent['blocks'] } : {}),
        ...(payload.attachments ? { attachments: payload.attachments } : {}),
        ...(threadId ? { threadId } : {}),
      },
      Object.keys(botProfile).length > 0 ? { botProfile } : {},
    );
  }

  /**
   * The icon a post asked for (Slack's `icon_url`), fetched through the egress guard and re-encoded as a small
   * WebP, for those who may read the message: the browser never contacts the icon's host (the readers' addresses
   * stay private, and the page's CSP admits only its own images). 404 when there is none or it is no image.
   */
  async botIcon(messageId: string, userId: string): Promise<Buffer> {
    const message = await this.messages.get(messageId, userId);
    const url = message.botProfile?.iconUrl;
    if (!url) throw notFound('Icon');
    const icon = await this.images.get(url, BOT_ICON);
    if (!icon) throw notFound('Icon');
    return icon;
  }

  private async requireManager(hookId: string, userId: string, verb: string) {
    const hook = await this.repository.find(hookId);
    if (!hook) throw notFound('Incoming webhook');
    const access = await this.channels.requireReadable(hook.channelId, userId);
    if (hook.createdBy !== userId && !access.isWorkspaceAdmin) {
      throw forbidden(`Only its creator or a workspace admin may ${verb} an incoming webhook`);
    }
    return hook;
  }

  /** A thread named by a message's Slack `ts` (or, as before, its id) in the hook's channel. */
  private async threadOf(hook: IncomingWebhookRow, threadTs: string): Promise<string> {
    const micros = parseTs(threadTs);
    const refused = badRequest('The payload is invalid', [
      { path: 'thread_ts', message: 'must be the ts of a message in this channel' },
    ]);
    if (isUuid(threadTs)) return threadTs;
    if (!micros) throw refused;
    return this.messages.idByTs(hook.channelId, hook.botUserId, micros).catch(() => {
      throw refused;
    });
  }

  private async requireCreator(channelId: string, userId: string) {
    const access = await this.channels.requireReadable(channelId, userId);
    if (access.isGuest) throw forbidden('Guests cannot manage incoming webhooks');
    if (!access.isMember) throw forbidden('Join the channel first');
    return access;
  }
}

function parsePayload(body: unknown): SlackPayload {
  let payload = body;
  if (body && typeof body === 'object' && 'payload' in body && typeof body.payload === 'string') {
    try {
      payload = JSON.parse(body.payload);
    } catch {
      throw badRequest('The payload is invalid', [{ path: 'payload', message: 'is not JSON' }]);
    }
    // JSON escapes (`\u0000`) inside the form field become text only now, past the request-wide check.
    const unstorable = unstorableTextFields(payload, 'payload');
    if (unstorable.length > 0)
      throw badRequest('The payload contains text that cannot be stored', unstorable);
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw badRequest('The payload is invalid', [{ path: '(body)', message: 'must be a JSON object' }]);
  }
  assertValid(slackPayloadSchema, payload);
  return payload as SlackPayload;
}
