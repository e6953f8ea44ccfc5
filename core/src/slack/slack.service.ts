import { Inject, Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';
import { hashToken } from '../auth/tokens';
import { ChannelsService } from '../channels/channels.service';
import type { ChannelView } from '../channels/channels.schemas';
import type { AuthContext } from '../common/auth-context';
import { Clock } from '../common/clock';
import { decodeCursor, encodeCursor } from '../common/pagination';
import { newId } from '../common/ids';
import { notFound, ProblemException } from '../common/problem';
import type { ProblemField } from '../common/problem';
import { formErrors } from '../common/validation';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { EventBus } from '../events/event-bus';
import { publishEphemeralAnswer } from '../events/ephemeral-answer';
import { FilesService } from '../files/files.service';
import type { MultipartUpload } from '../files/multipart';
import type { MessageView, RichContent } from '../messages/messages.schemas';
import { MessagesService } from '../messages/messages.service';
import { RateLimiter } from '../rate-limits/rate-limiter';
import { postAtRefusal } from '../scheduled-messages/scheduled-messages.service';
import { ScheduledMessagesService } from '../scheduled-messages/scheduled-messages.service';
import type { ScheduledMessageView } from '../scheduled-messages/scheduled-messages.schemas';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { assertRichContent, fallbackText } from './block-kit';
import {
  CHANNEL_KINDS,
  channelSlackId,
  formatTs,
  nativeId,
  nativeMentions,
  parseTs,
  parseTsBound,
  slackId,
} from './slack-ids';
import { slackChannel, slackMessage, slackUser } from './slack-views';
import { SlackInteractivity } from './interactivity';
import { SlackSocketMode } from './socket-mode';
import { SlackRepository } from './slack.repository';
import { JSON_ARGUMENTS, SLACK_ARGUMENTS, SlackAnswer, SlackError } from './slack.schemas';

/** Who calls, in which workspace (a Slack token names one team). */
interface Caller {
  auth: AuthContext;
  userId: string;
  workspaceId: string;
  /** Where the client reached this server (upload URLs point back there). */
  origin: string;
}

type Args = Record<string, unknown>;

/** A Web API call as it arrived: its arguments, the Bearer token if any, the origin the client called. */
export interface SlackRequest {
  args: Args;
  bearer?: string;
  origin: string;
}

interface SlackMethod {
  /** Slack's rate-limit tier for the method. */
  tier: 2 | 3 | 4;
  /** The Slack scope the method needs; undefined when any token may call it. */
  scope?: string;
  run(caller: Caller, args: Args): Promise<Record<string, unknown>>;
}

/**
 * Slack scope names onto this server's app scopes: Slack splits by conversation type (channels, groups, im,
 * mpim) what one native scope grants here.
 */
const NATIVE_SCOPES: Record<string, string> = {
  'chat:write': 'chat:write',
  'channels:read': 'channels:read',
  'groups:read': 'channels:read',
  'im:read': 'channels:read',
  'mpim:read': 'channels:read',
  'channels:history': 'channels:history',
  'groups:history': 'channels:history',
  'im:history': 'channels:history',
  'mpim:history': 'channels:history',
  'reactions:read': 'channels:history',
  'channels:join': 'channels:join',
  'channels:manage': 'channels:manage',
  'groups:write': 'channels:manage',
  'im:write': 'im:write',
  'mpim:write': 'im:write',
  'users:read': 'users:read',
  'users:read.email': 'users:read.email',
  'reactions:write': 'reactions:write',
  'files:write': 'files:write',
  'files:read': 'files:read',
  commands: 'commands',
};

/** What each native failure means on a Slack method, unless a step says otherwise. */
const DEFAULT_CODES: Record<number, string> = {
  401: 'invalid_auth',
  403: 'not_in_channel',
  404: 'channel_not_found',
  409: 'is_archived',
  413: 'msg_too_long',
};

/** Runs a native call, turning its refusals into Slack's error codes (`codes` by HTTP status). */
async function as<T>(codes: Record<number, string>, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ProblemException && codes[error.getStatus()]) {
      throw new SlackError(codes[error.getStatus()]);
    }
    throw error;
  }
}

/** Slack's invalid_arguments explanation: one "[ERROR] …" line per failing field. */
const errorLines = (errors: ProblemField[]) => ({
  response_metadata: { messages: errors.map((error) => `[ERROR] ${error.path}: ${error.message}`) },
});

const page = (nextCursor: string | null) => ({ response_metadata: { next_cursor: nextCursor ?? '' } });

const limitOf = (args: Args, fallback: number) =>
  Math.min(200, (args.limit as number | undefined) ?? fallback);

const channelArg = (args: Args, name = 'channel'): string => {
  const id = nativeId(args[name], CHANNEL_KINDS);
  if (!id) throw new SlackError('channel_not_found');
  return id;
};

const userArgs = (list: string): string[] =>
  list.split(',').map((one) => {
    const id = nativeId(one.trim(), ['U']);
    if (!id) throw new SlackError('user_not_found');
    return id;
  });

/** Slack conversation types onto native channel kinds (im and mpim are both direct conversations here). */
const KINDS_BY_TYPE: Record<string, string> = {
  public_channel: 'public',
  private_channel: 'private',
  im: 'dm',
  mpim: 'dm',
};

/**
 * Slack's Web API over the native services: every rule (membership, roles, archived channels, limits) stays
 * theirs; this turns arguments, ids and answers into Slack's shapes and failures into Slack's error codes.
 */
@Injectable()
export class SlackService {
  private readonly methods: Record<string, SlackMethod>;

  constructor(
    private readonly auth: AuthService,
    private readonly workspaces: WorkspacesService,
    private readonly channels: ChannelsService,
    private readonly messages: MessagesService,
    private readonly repository: SlackRepository,
    private readonly files: FilesService,
    private readonly limiter: RateLimiter,
    private readonly scheduled: ScheduledMessagesService,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly socketMode: SlackSocketMode,
    private readonly interactivity: SlackInteractivity,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.methods = this.table();
  }

  /** One Web API call: `bearer` from the Authorization header, else the `token` argument. */
  async call(method: string, input: SlackRequest): Promise<SlackAnswer> {
    try {
      return { status: 200, headers: {}, body: { ok: true, ...(await this.run(method, input)) } };
    } catch (error) {
      if (error instanceof SlackError) {
        const retryAfter = error.extra.retryAfter as number | undefined;
        if (retryAfter !== undefined) {
          return {
            status: 429,
            headers: { 'retry-after': String(retryAfter) },
            body: { ok: false, error: error.code },
          };
        }
        return { status: 200, headers: {}, body: { ok: false, error: error.code, ...error.extra } };
      }
      if (error instanceof ProblemException) {
        // A native limit (a bot's posts per channel) is Slack's 429 too, which clients wait out and retry.
        const limited = error.getStatus() === 429;
        return {
          status: limited ? 429 : 200,
          headers: limited ? error.headers : {},
          body: this.problem(error),
        };
      }
      throw error;
    }
  }

  /** A native refusal no step named: invalid input, a permission, a conflict, a limit. */
  private problem(error: ProblemException): SlackAnswer['body'] {
    const status = error.getStatus();
    const errors = error.errors ?? [];
    if (status === 400) {
      const field = errors[0]?.path.split('/')[0];
      const code =
        field === 'blocks'
          ? 'invalid_blocks'
          : field === 'attachments'
            ? 'invalid_attachments'
            : 'invalid_arguments';
      return { ok: false, error: code, ...errorLines(errors) };
    }
    if (status === 429) return { ok: false, error: 'ratelimited' };
    return { ok: false, error: DEFAULT_CODES[status] ?? 'internal_error' };
  }

  private async run(method: string, input: SlackRequest) {
    if (method === 'api.test') return this.apiTest(input.args);
    // The one method for app-level tokens (xapp-…), which name an app rather than a user.
    if (method === 'apps.connections.open') {
      return this.socketMode.open(input.bearer ?? input.args.token, input.origin);
    }
    // Own keys only: `constructor` or `__proto__` name no method.
    if (!Object.hasOwn(this.methods, method)) throw new SlackError('unknown_method', { req_method: method });
    const spec = this.methods[method];
    const args = parseArgs(input.args);
    const errors = formErrors(SLACK_ARGUMENTS[method], args);
    if (errors.length > 0) throw new SlackError('invalid_arguments', errorLines(errors));
    const auth = await this.authenticate(input.bearer ?? args.token);
    if (spec.scope && auth.scopes && !auth.scopes.includes(NATIVE_SCOPES[spec.scope])) {
      throw new SlackError('missing_scope', { needed: spec.scope, provided: auth.scopes.join(',') });
    }
    await this.limit(auth, method, spec.tier);
    const workspaceId = await this.team(auth.userId, args.team_id);
    return spec.run({ auth, userId: auth.userId, workspaceId, origin: input.origin }, args);
  }

  private async authenticate(token: unknown): Promise<AuthContext> {
    if (typeof token !== 'string' || token === '') throw new SlackError('not_authed');
    const auth = await this.auth.authenticateHash(hashToken(token));
    if (!auth) throw new SlackError('invalid_auth');
    return auth;
  }

  /**
   * The bytes of a files.getUploadURLExternal upload, as WebClient posts them (multipart, field `body`), under
   * the same token; stored as a file of the caller's, not yet shared anywhere. Slack answers "OK - <size>".
   */
  async receiveUpload(
    uploadId: string,
    bearer: string | undefined,
    upload: MultipartUpload,
  ): Promise<string> {
    const auth = await this.authenticate(bearer).catch(() => {
      throw new ProblemException(401, 'A valid bearer token is required');
    });
    if (auth.scopes && !auth.scopes.includes('files:write')) {
      throw new ProblemException(403, 'The token was not granted the scope files:write');
    }
    const workspaceId = await this.team(auth.userId, undefined).catch(() => {
      throw notFound('Upload');
    });
    const pending = await this.repository.findUpload(uploadId, workspaceId, auth.userId);
    if (!pending || pending.fileId) throw notFound('Upload');
    const file = await this.files.upload(workspaceId, auth.userId, upload, pending.filename);
    await this.repository.setUploadFile(pending.id, file.id);
    return `OK - ${file.size}`;
  }

  /** api.test answers its arguments back, or the error it was asked for; it needs no token. */
  private apiTest(args: Args) {
    if (typeof args.error === 'string') throw new SlackError(args.error.slice(0, 100));
    const { token: _token, ...rest } = args;
    return { args: rest };
  }

  /** Slack's per-method tiers: calls per token and method per window, then 429 with Retry-After. */
  private async limit(auth: AuthContext, method: string, tier: 2 | 3 | 4): Promise<void> {
    const [state] = await this.limiter.consume([
      {
        key: `slack:${auth.tokenId}:${method}`,
        max: this.config.slackRateLimitTiers[tier],
        windowSeconds: this.config.slackRateLimitWindowSeconds,
      },
    ]);
    if (state.exceeded) throw new SlackError('ratelimited', { retryAfter: state.resetSeconds });
  }

  /** The workspace a call acts in: `team_id` when the caller belongs to it, else the first they joined. */
  private async team(userId: string, teamArg: unknown): Promise<string> {
    const teams = await this.repository.workspacesOf(userId);
    if (teamArg !== undefined) {
      const wanted = nativeId(teamArg, ['T']);
      if (!wanted || !teams.includes(wanted)) throw new SlackError('team_not_found');
      return wanted;
    }
    if (teams.length === 0) throw new SlackError('team_not_found');
    return teams[0];
  }

  private message(view: MessageView, isBot: boolean, threadTs?: string) {
    return slackMessage(view, { isBot, threadTs, origin: this.config.publicUrl });
  }

  /** Messages in Slack's shape, each with its author's bot_id when a bot wrote it. */
  private async messageList(views: MessageView[], threadTs?: string) {
    const bots = await this.repository.botIds(views.map((view) => view.userId));
    return views.map((view) => this.message(view, bots.has(view.userId), threadTs));
  }

  /**
   * A page of a channel's timeline in Slack's shape: a reply also sent to the channel is a `thread_broadcast`
   * with its thread's `thread_ts` and, as Slack's `root`, its thread's first message.
   */
  private async timelineMessages(channelId: string, views: MessageView[]) {
    const rootIds = views.filter((view) => view.alsoSentToChannel).map((view) => view.threadId!);
    const roots = await this.messages.viewsInChannel(channelId, rootIds);
    const bots = await this.repository.botIds([...views, ...roots].map((view) => view.userId));
    const rootsById = new Map(roots.map((root) => [root.id, root]));
    return views.map((view) => {
      const root = view.alsoSentToChannel ? rootsById.get(view.threadId!) : undefined;
      if (!root) return this.message(view, bots.has(view.userId));
      return {
        ...this.message(view, bots.has(view.userId), root.ts),
        root: this.message(root, bots.has(root.userId)),
      };
    });
  }

  private async channel(caller: Caller, channelId: string): Promise<ChannelView> {
    return as({ 404: 'channel_not_found' }, () => this.channels.get(channelId, caller.userId));
  }

  /** The message a Slack `ts` names in a channel; message_not_found when there is none. */
  private async messageAt(caller: Caller, channelId: string, ts: unknown): Promise<string> {
    await this.channel(caller, channelId);
    const micros = parseTs(ts);
    if (!micros) throw new SlackError('message_not_found');
    return as({ 404: 'message_not_found' }, () => this.messages.idByTs(channelId, caller.userId, micros));
  }

  private richContent(args: Args): RichContent {
    return {
      ...(args.blocks !== undefined ? { blocks: args.blocks as RichContent['blocks'] } : {}),
      ...(args.attachments !== undefined
        ? { attachments: args.attachments as RichContent['attachments'] }
        : {}),
    };
  }

  private permalink(view: { workspaceId: string; channelId: string; id: string }): string {
    return `${this.config.publicUrl}/w/${view.workspaceId}/c/${view.channelId}/m/${view.id}`;
  }

  private table(): Record<string, SlackMethod> {
    return {
      'auth.test': { tier: 4, run: (caller) => this.authTest(caller) },
      'team.info': {
        tier: 3,
        run: async (caller) => {
          const team = await this.workspaces.get(caller.workspaceId, caller.userId);
          return {
            team: {
              id: slackId('T', team.id),
              name: team.name,
              domain: team.slug,
              email_domain: '',
              icon: {},
            },
          };
        },
      },
      'bots.info': { tier: 3, scope: 'users:read', run: (caller, args) => this.botsInfo(caller, args) },
      'chat.postMessage': {
        tier: 4,
        scope: 'chat:write',
        run: (caller, args) => this.postMessage(caller, args),
      },
      'chat.update': { tier: 3, scope: 'chat:write', run: (caller, args) => this.update(caller, args) },
      'chat.postEphemeral': {
        tier: 4,
        scope: 'chat:write',
        run: (caller, args) => this.postEphemeral(caller, args),
      },
      'chat.scheduleMessage': {
        tier: 3,
        scope: 'chat:write',
        run: (caller, args) => this.scheduleMessage(caller, args),
      },
      'chat.deleteScheduledMessage': {
        tier: 3,
        scope: 'chat:write',
        run: async (caller, args) => {
          const channelId = channelArg(args);
          const id = nativeId(args.scheduled_message_id, ['Q']);
          const view = id && (await this.scheduled.get(id, caller.userId).catch(() => undefined));
          if (!view || view.channelId !== channelId || view.status !== 'pending') {
            throw new SlackError('invalid_scheduled_message_id');
          }
          await as({ 409: 'invalid_scheduled_message_id' }, () =>
            this.scheduled.cancel(view.id, caller.userId),
          );
          return {};
        },
      },
      'chat.scheduledMessages.list': {
        tier: 3,
        scope: 'chat:write',
        run: async (caller, args) => {
          const query = {
            limit: limitOf(args, 100),
            status: 'pending' as const,
            ...(args.cursor ? { cursor: args.cursor as string } : {}),
          };
          const scope =
            args.channel !== undefined
              ? { channelId: channelArg(args) }
              : { workspaceId: caller.workspaceId };
          const listed = await as({ 400: 'invalid_cursor', 404: 'channel_not_found' }, () =>
            this.scheduled.list(scope, caller.userId, query),
          );
          const channels = new Map<string, ChannelView>();
          for (const channelId of new Set(listed.items.map((item) => item.channelId))) {
            const channel = await this.channel(caller, channelId).catch(() => undefined);
            if (channel) channels.set(channelId, channel);
          }
          return {
            scheduled_messages: listed.items.map((item) =>
              slackScheduled(item, channels.get(item.channelId)),
            ),
            ...page(listed.nextCursor),
          };
        },
      },
      'chat.delete': {
        tier: 3,
        scope: 'chat:write',
        run: async (caller, args) => {
          const channelId = channelArg(args);
          const id = await this.messageAt(caller, channelId, args.ts);
          await as({ 403: 'cant_delete_message' }, () => this.messages.delete(id, caller.userId));
          return { channel: args.channel, ts: args.ts };
        },
      },
      'chat.getPermalink': {
        tier: 4,
        run: async (caller, args) => {
          const channelId = channelArg(args);
          const id = await this.messageAt(caller, channelId, args.message_ts);
          return {
            channel: args.channel,
            permalink: this.permalink(await this.messages.get(id, caller.userId)),
          };
        },
      },
      'conversations.list': {
        tier: 2,
        scope: 'channels:read',
        run: (caller, args) => this.listConversations(caller, args, false),
      },
      'users.conversations': {
        tier: 3,
        scope: 'channels:read',
        run: (caller, args) => this.listConversations(caller, args, true),
      },
      'conversations.info': {
        tier: 3,
        scope: 'channels:read',
        run: async (caller, args) => {
          const channel = await this.channel(caller, channelArg(args));
          const members = await this.channels.memberIds(channel.id);
          return {
            channel: {
              ...slackChannel(channel, caller.userId, { isMember: members.includes(caller.userId) }),
              num_members: members.length,
            },
          };
        },
      },
      'conversations.history': {
        tier: 3,
        scope: 'channels:history',
        run: async (caller, args) => {
          const channelId = channelArg(args);
          const history = await as({ 400: 'invalid_cursor' }, () =>
            this.messages.listByTs(channelId, caller.userId, {
              limit: limitOf(args, 100),
              ...(args.cursor ? { cursor: args.cursor as string } : {}),
              ...(args.latest !== undefined ? { latest: parseTsBound(args.latest) } : {}),
              ...(args.oldest !== undefined ? { oldest: parseTsBound(args.oldest) } : {}),
              inclusive: args.inclusive === true,
            }),
          );
          return {
            messages: await this.timelineMessages(channelId, history.items),
            has_more: history.nextCursor !== null,
            ...page(history.nextCursor),
          };
        },
      },
      'conversations.replies': {
        tier: 3,
        scope: 'channels:history',
        run: async (caller, args) => {
          const channelId = channelArg(args);
          const rootId = await this.messageAt(caller, channelId, args.ts);
          const root = await this.messages.get(rootId, caller.userId);
          const threadRoot = root.threadId ? await this.messages.get(root.threadId, caller.userId) : root;
          const replies = await as({ 400: 'invalid_cursor' }, () =>
            this.messages.replies(threadRoot.id, caller.userId, {
              limit: limitOf(args, 100),
              ...(args.cursor ? { cursor: args.cursor as string } : {}),
            }),
          );
          return {
            messages: await this.messageList([threadRoot, ...replies.items], threadRoot.ts),
            has_more: replies.nextCursor !== null,
            ...page(replies.nextCursor),
          };
        },
      },
      'conversations.members': {
        tier: 4,
        scope: 'channels:read',
        run: async (caller, args) => {
          const channel = await this.channel(caller, channelArg(args));
          const after = decodeSlackCursor(args.cursor);
          const ids = (await this.channels.memberIds(channel.id)).sort().filter((id) => !after || id > after);
          const limit = limitOf(args, 100);
          const members = ids.slice(0, limit);
          return {
            members: members.map((id) => slackId('U', id)),
            ...page(ids.length > limit ? encodeCursor({ id: members[members.length - 1] }) : null),
          };
        },
      },
      'conversations.join': {
        tier: 3,
        scope: 'channels:join',
        run: async (caller, args) => {
          const channelId = channelArg(args);
          const channel = await as(
            { 404: 'channel_not_found', 403: 'method_not_supported_for_channel_type' },
            () => this.channels.join(channelId, caller.userId),
          );
          return { channel: slackChannel(channel, caller.userId, { isMember: true }) };
        },
      },
      'conversations.leave': {
        tier: 3,
        scope: 'channels:join',
        run: async (caller, args) => {
          const channelId = channelArg(args);
          await this.channel(caller, channelId);
          await as({ 403: 'not_in_channel', 409: 'cant_leave_general' }, () =>
            this.channels.leave(channelId, caller.userId),
          );
          return {};
        },
      },
      'conversations.open': {
        tier: 3,
        scope: 'im:write',
        run: async (caller, args) => {
          if (args.channel !== undefined) {
            const channel = await this.channel(caller, channelArg(args));
            return { no_op: true, already_open: true, channel: { id: channelSlackId(channel) } };
          }
          if (typeof args.users !== 'string') throw new SlackError('users_list_not_supplied');
          const people = userArgs(args.users);
          const { created, dm } = await as({ 400: 'user_not_found' }, () =>
            this.channels.openDm(caller.workspaceId, caller.userId, people),
          );
          return { no_op: !created, already_open: !created, channel: { id: channelSlackId(dm) } };
        },
      },
      'conversations.create': {
        tier: 2,
        scope: 'channels:manage',
        run: async (caller, args) => {
          const channel = await as(
            { 400: 'invalid_name_specials', 409: 'name_taken', 403: 'restricted_action' },
            () =>
              this.channels.create(caller.workspaceId, caller.userId, {
                name: args.name as string,
                kind: args.is_private === true ? 'private' : 'public',
              }),
          );
          return { channel: slackChannel(channel, caller.userId, { isMember: true }) };
        },
      },
      'conversations.invite': {
        tier: 3,
        scope: 'channels:manage',
        run: async (caller, args) => {
          const channelId = channelArg(args);
          await this.channel(caller, channelId);
          for (const userId of userArgs(args.users as string)) {
            await as({ 404: 'user_not_found', 400: 'user_not_found', 403: 'not_in_channel' }, () =>
              this.channels.addMember(channelId, caller.userId, userId),
            );
          }
          const channel = await this.channel(caller, channelId);
          return { channel: slackChannel(channel, caller.userId, { isMember: true }) };
        },
      },
      'conversations.archive': {
        tier: 2,
        scope: 'channels:manage',
        run: async (caller, args) => {
          const channelId = channelArg(args);
          const channel = await this.channel(caller, channelId);
          if (channel.archived) throw new SlackError('already_archived');
          await as({ 403: 'restricted_action', 400: 'method_not_supported_for_channel_type' }, () =>
            this.channels.update(channelId, caller.userId, { archived: true }),
          );
          return {};
        },
      },
      'users.info': {
        tier: 4,
        scope: 'users:read',
        run: async (caller, args) => {
          const id = nativeId(args.user, ['U', 'B']);
          const member = id && (await this.repository.member(caller.workspaceId, id));
          if (!member) throw new SlackError('user_not_found');
          return { user: this.user(caller, member) };
        },
      },
      'users.list': {
        tier: 2,
        scope: 'users:read',
        run: async (caller, args) => {
          const limit = limitOf(args, 100);
          const rows = await this.repository.memberPage(
            caller.workspaceId,
            limit + 1,
            decodeSlackCursor(args.cursor),
          );
          const members = rows.slice(0, limit);
          return {
            members: members.map((member) => this.user(caller, member)),
            ...page(rows.length > limit ? encodeCursor({ id: members[members.length - 1].id }) : null),
          };
        },
      },
      'users.lookupByEmail': {
        tier: 3,
        scope: 'users:read.email',
        run: async (caller, args) => {
          const member = await this.repository.memberByEmail(caller.workspaceId, args.email as string);
          if (!member || member.isBot) throw new SlackError('users_not_found');
          return { user: this.user(caller, member) };
        },
      },
      'files.getUploadURLExternal': {
        tier: 4,
        scope: 'files:write',
        run: async (caller, args) => {
          const id = newId();
          await this.repository.insertUpload({
            id,
            workspaceId: caller.workspaceId,
            userId: caller.userId,
            filename: args.filename as string,
          });
          return { upload_url: `${caller.origin}/api/slack/uploads/${id}`, file_id: slackId('F', id) };
        },
      },
      'files.completeUploadExternal': {
        tier: 4,
        scope: 'files:write',
        run: (caller, args) => this.completeUploads(caller, args),
      },
      // Modals open only for a bot of an installed app, for the person whose action gave the trigger_id.
      'views.open': { tier: 4, run: (caller, args) => this.interactivity.open(caller.userId, args) },
      'views.push': { tier: 4, run: (caller, args) => this.interactivity.push(caller.userId, args) },
      'views.update': { tier: 4, run: (caller, args) => this.interactivity.update(caller.userId, args) },
      'reactions.add': {
        tier: 3,
        scope: 'reactions:write',
        run: (caller, args) => this.react(caller, args, true),
      },
      'reactions.remove': {
        tier: 3,
        scope: 'reactions:write',
        run: (caller, args) => this.react(caller, args, false),
      },
      'reactions.get': {
        tier: 3,
        scope: 'reactions:read',
        run: async (caller, args) => {
          const channelId = channelArg(args);
          const id = await this.messageAt(caller, channelId, args.timestamp);
          const [message] = await this.messageList([await this.messages.get(id, caller.userId)]);
          return { type: 'message', channel: args.channel, message };
        },
      },
    };
  }

  /** Emails only for tokens that may read them (users:read.email), as on Slack. */
  private user(caller: Caller, member: Parameters<typeof slackUser>[0]) {
    const scopes = caller.auth.scopes;
    const withEmail = !scopes || scopes.includes('users:read.email');
    return slackUser(member, caller.workspaceId, { withEmail, origin: this.config.publicUrl });
  }

  private async authTest(caller: Caller) {
    const [team, member] = await Promise.all([
      this.workspaces.get(caller.workspaceId, caller.userId),
      this.repository.member(caller.workspaceId, caller.userId),
    ]);
    const user = this.user(caller, member!);
    return {
      url: `${this.config.publicUrl}/`,
      team: team.name,
      user: user.name,
      team_id: slackId('T', team.id),
      user_id: user.id,
      ...(caller.auth.isBot ? { bot_id: slackId('B', caller.userId) } : {}),
      is_enterprise_install: false,
    };
  }

  private async botsInfo(caller: Caller, args: Args) {
    const id = nativeId(args.bot ?? slackId('B', caller.userId), ['B']);
    const member = id && (await this.repository.member(caller.workspaceId, id));
    if (!member || !member.isBot) throw new SlackError('bot_not_found');
    return {
      bot: {
        id: slackId('B', member.id),
        deleted: false,
        name: member.displayName,
        user_id: slackId('U', member.id),
        icons: {},
      },
    };
  }

  /** `fileIds`: files this caller uploaded, shared with the message (files.completeUploadExternal). */
  private async postMessage(caller: Caller, args: Args, fileIds: string[] = []) {
    const channelId = channelArg(args);
    const rich = this.richContent(args);
    const text = typeof args.text === 'string' ? nativeMentions(args.text) : undefined;
    if (!text?.trim() && !rich.blocks?.length && !rich.attachments?.length && fileIds.length === 0) {
      throw new SlackError('no_text');
    }
    const threadId = await this.threadOf(caller, channelId, args);
    const botProfile = caller.auth.isBot
      ? {
          ...(typeof args.username === 'string' ? { username: args.username } : {}),
          ...(typeof args.icon_url === 'string' ? { iconUrl: args.icon_url } : {}),
        }
      : {};
    const view = await as({ ...DEFAULT_CODES, 404: 'channel_not_found' }, () =>
      this.messages.post(
        channelId,
        caller.auth,
        {
          ...(text !== undefined ? { text } : {}),
          ...rich,
          ...(threadId ? { threadId } : {}),
          ...(threadId && args.reply_broadcast === true ? { alsoSentToChannel: true } : {}),
          ...(typeof args.client_msg_id === 'string' ? { clientMsgId: args.client_msg_id } : {}),
          ...(fileIds.length > 0 ? { text: text ?? '', fileIds } : {}),
        },
        Object.keys(botProfile).length > 0 ? { botProfile } : {},
      ),
    );
    const threadTs = threadId ? (args.thread_ts as string) : undefined;
    return {
      channel: args.channel,
      ts: view.ts,
      message: this.message(view, caller.auth.isBot, threadTs),
    };
  }

  /** The thread `thread_ts` names in the channel, if any; thread_not_found when there is none. */
  private async threadOf(caller: Caller, channelId: string, args: Args): Promise<string | undefined> {
    if (args.thread_ts === undefined) return undefined;
    await this.channel(caller, channelId);
    const micros = parseTs(args.thread_ts)!;
    return as({ 404: 'thread_not_found' }, () => this.messages.idByTs(channelId, caller.userId, micros));
  }

  /** Text, or blocks or attachments alone (their text stands for them where only text goes); else no_text. */
  private content(args: Args): { text: string; rich: RichContent } {
    const rich = this.richContent(args);
    const text = typeof args.text === 'string' ? nativeMentions(args.text) : '';
    if (!text.trim() && !rich.blocks?.length && !rich.attachments?.length) throw new SlackError('no_text');
    return { text, rich };
  }

  /**
   * Shown to one member of the channel only, on their open sockets (as an app's ephemeral command answer), never
   * stored. The caller must be able to post in the channel.
   */
  private async postEphemeral(caller: Caller, args: Args) {
    const channelId = channelArg(args);
    await as({ 403: 'not_in_channel', 404: 'channel_not_found' }, () =>
      this.channels.requireMember(channelId, caller.userId),
    );
    const target = nativeId(args.user, ['U']);
    if (!target) throw new SlackError('user_not_found');
    if (!(await this.channels.memberIds(channelId)).includes(target)) {
      throw new SlackError('user_not_in_channel');
    }
    const { text, rich } = this.content(args);
    assertRichContent(rich);
    const threadId = (await this.threadOf(caller, channelId, args)) ?? null;
    publishEphemeralAnswer(this.bus, {
      to: target,
      channelId,
      threadId,
      from: caller.userId,
      text: text.trim() ? text : fallbackText(rich),
      ...rich,
    });
    return { message_ts: formatTs(BigInt(this.clock.now()) * 1000n) };
  }

  /** A message posted as the caller at `post_at` (unix seconds): time_in_past, time_too_far as on Slack. */
  private async scheduleMessage(caller: Caller, args: Args) {
    const channelId = channelArg(args);
    const postAt = (args.post_at as number) * 1000;
    const refusal = postAtRefusal(postAt, this.clock.now());
    if (refusal) throw new SlackError(refusal);
    const { text, rich } = this.content(args);
    const threadId = await this.threadOf(caller, channelId, args);
    const view = await as({ ...DEFAULT_CODES, 404: 'channel_not_found' }, () =>
      this.scheduled.schedule(channelId, caller.auth, {
        text,
        ...rich,
        postAt: new Date(postAt).toISOString(),
        ...(threadId ? { threadId } : {}),
      }),
    );
    return {
      channel: args.channel,
      scheduled_message_id: slackId('Q', view.id),
      post_at: Math.floor(postAt / 1000),
      message: {
        type: 'delayed_message',
        text: view.text,
        user: slackId('U', caller.userId),
        ...(caller.auth.isBot ? { bot_id: slackId('B', caller.userId) } : {}),
        ...(view.blocks ? { blocks: view.blocks } : {}),
        ...(view.attachments ? { attachments: view.attachments } : {}),
      },
    };
  }

  /** Shares what files.getUploadURLExternal uploads received: in one message when a channel is named. */
  private async completeUploads(caller: Caller, args: Args) {
    const wanted = args.files as { id: string; title?: string }[];
    const uploaded: { fileId: string; slackFileId: string; title: string }[] = [];
    for (const entry of wanted) {
      const id = nativeId(entry.id, ['F']);
      const pending = id && (await this.repository.findUpload(id, caller.workspaceId, caller.userId));
      if (!pending || !pending.fileId) throw new SlackError('file_not_found');
      uploaded.push({
        fileId: pending.fileId,
        slackFileId: entry.id,
        title: entry.title ?? pending.filename,
      });
    }
    if (args.channel_id !== undefined) {
      const message = {
        channel: args.channel_id,
        text: args.initial_comment ?? '',
        ...(args.thread_ts !== undefined ? { thread_ts: args.thread_ts } : {}),
      };
      await this.postMessage(
        caller,
        message,
        uploaded.map((file) => file.fileId),
      );
    }
    const views = await Promise.all(uploaded.map((file) => this.files.get(file.fileId, caller.userId)));
    return {
      files: views.map((view, index) => ({
        id: uploaded[index].slackFileId,
        name: view.name,
        title: uploaded[index].title,
        mimetype: view.contentType,
        size: view.size,
        user: slackId('U', view.uploaderId),
        url_private: `${this.config.publicUrl}/api/v1/files/${view.id}/content`,
      })),
    };
  }

  private async update(caller: Caller, args: Args) {
    const channelId = channelArg(args);
    const id = await this.messageAt(caller, channelId, args.ts);
    const { text, rich } = this.content(args);
    const view = await as({ 403: 'cant_update_message', 409: 'is_archived' }, () =>
      this.messages.edit(id, caller.userId, { text, ...rich }),
    );
    return {
      channel: args.channel,
      ts: view.ts,
      text: view.text,
      message: this.message(view, caller.auth.isBot),
    };
  }

  private async react(caller: Caller, args: Args, add: boolean) {
    const channelId = channelArg(args);
    const id = await this.messageAt(caller, channelId, args.timestamp);
    const name = (args.name as string).replace(/^:|:$/g, '');
    if (add) {
      const current = await this.messages.get(id, caller.userId);
      const mine = current.reactions.some((r) => r.emoji === name && r.userIds.includes(caller.userId));
      if (mine) throw new SlackError('already_reacted');
    }
    await as({ 400: 'invalid_name', 403: 'not_in_channel', 409: 'too_many_reactions' }, () =>
      this.messages.react(id, caller.userId, name, add),
    );
    return {};
  }

  /** conversations.list (what the caller may see) and users.conversations (what they belong to). */
  private async listConversations(caller: Caller, args: Args, membersOnly: boolean) {
    const types = ((args.types as string | undefined) ?? 'public_channel')
      .split(',')
      .map((type) => type.trim());
    const unknown = types.find((type) => !KINDS_BY_TYPE[type]);
    if (unknown) throw new SlackError('invalid_types');
    const kinds = new Set(types.map((type) => KINDS_BY_TYPE[type]));
    const listed = await as({ 400: 'invalid_cursor' }, () =>
      this.channels.list(caller.workspaceId, caller.userId, {
        limit: limitOf(args, 100),
        ...(args.cursor ? { cursor: args.cursor as string } : {}),
      }),
    );
    const channels = listed.items
      .filter((channel) => kinds.has(channel.kind))
      .filter((channel) => !membersOnly || channel.isMember)
      .filter((channel) => !(args.exclude_archived === true && channel.archived))
      .map((channel) => slackChannel(channel, caller.userId, { isMember: channel.isMember }));
    return { channels, ...page(listed.nextCursor) };
  }
}

/** Arguments as sent: blocks and attachments in a form body are JSON text (WebClient encodes them so). */
function parseArgs(raw: Args): Args {
  const args = { ...raw };
  for (const name of JSON_ARGUMENTS) {
    if (typeof args[name] !== 'string') continue;
    try {
      args[name] = JSON.parse(args[name]);
    } catch {
      const code = { blocks: 'invalid_blocks_format', attachments: 'invalid_attachments' }[name as string];
      throw new SlackError(code ?? 'invalid_arguments', {
        response_metadata: { messages: [`[ERROR] ${name}: is not JSON`] },
      });
    }
  }
  return args;
}

/** The user id a Slack cursor of ours names (members and users are paged by id). */
function decodeSlackCursor(cursor: unknown): string | undefined {
  if (typeof cursor !== 'string' || cursor === '') return undefined;
  try {
    return decodeCursor(cursor, { id: 'uuid' })?.id;
  } catch {
    throw new SlackError('invalid_cursor');
  }
}

/** A pending scheduled message as chat.scheduledMessages.list gives it. */
function slackScheduled(view: ScheduledMessageView, channel: ChannelView | undefined) {
  return {
    id: slackId('Q', view.id),
    // A channel the caller can no longer see keeps a C… id: its kind is not theirs to know.
    channel_id: channel ? channelSlackId(channel) : slackId('C', view.channelId),
    post_at: Math.floor(Date.parse(view.postAt) / 1000),
    date_created: Math.floor(Date.parse(view.createdAt) / 1000),
    text: view.text,
  };
}
