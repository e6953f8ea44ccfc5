import { definePlugin, isKnownZone, type CommandResponse, type PluginContext } from '@jokkaer/sdk-plugin';
import { MAX_TEXT, parseAdd, parseMention, parseNumber } from './parse';
import { addTask, describeTask, readTasks, updateTasks, CHANNEL_PREFIX, type Task } from './store';

/**
 * The task manager: `/task add|list|done|assign|help`, kept per channel in KV; a schedule that reminds the
 * channel of tasks as they fall due; a reaction that turns a message into a task; and, when configured, a
 * copy of every change sent to an external task service. Answers others should see (add, done, assign) go
 * to the channel; lists, help and mistakes only to the person who typed the command.
 */

interface Settings {
  reactionEmoji: string;
  timezone: string;
  reminderLeadMinutes: number;
  syncUrl?: string;
  syncToken?: string;
}

const USAGE = [
  '*/task* keeps this channel’s to-do list:',
  '• `/task add <text> [@person] [due]`: due as `2026-12-01`, `2026-12-01 14:00`, `today`, `tomorrow 9:30`, `friday` or `in 3 days`',
  '• `/task list [mine|all]`: open tasks here; `mine`: assigned to you; `all`: done ones too',
  '• `/task done <n>`: completes task n',
  '• `/task assign <n> @person`: gives task n to someone (`me` for yourself)',
  '• `/task help`: this help',
].join('\n');

const settingsOf = (ctx: PluginContext) => ctx.settings as unknown as Settings;

/** The configured zone, or UTC when Intl does not know it (the schema can only check its shape). */
function timeZoneOf(ctx: PluginContext): string {
  const { timezone } = settingsOf(ctx);
  if (isKnownZone(timezone)) return timezone;
  ctx.log.warn('unknown timezone setting; using UTC', { timezone });
  return 'UTC';
}

const ephemeral = (text: string): CommandResponse => ({ responseType: 'ephemeral', text });
const inChannel = (text: string): CommandResponse => ({ responseType: 'in_channel', text });

/** Check marks come as the character or by name, depending on the client. */
const EMOJI_NAMES: Record<string, string> = {
  '✅': 'white_check_mark',
  '✔': 'heavy_check_mark',
  '☑': 'ballot_box_with_check',
};
const emojiKey = (emoji: string) => {
  const bare = emoji.replace(/\uFE0F/g, '').replace(/^:(.+):$/, '$1');
  return EMOJI_NAMES[bare] ?? bare;
};

/**
 * Sends the task's current state to `<syncUrl>/<channelId>/<n>` as an idempotent PUT. Failures are logged and
 * never undo the local change: the task list in the channel is the source of truth.
 */
async function sync(ctx: PluginContext, channelId: string, task: Task, event: string): Promise<void> {
  const { syncUrl, syncToken } = settingsOf(ctx);
  if (!syncUrl) return;
  const url = `${syncUrl.replace(/\/+$/, '')}/${channelId}/${task.n}`;
  const iso = (at: number | undefined) => (at === undefined ? null : new Date(at).toISOString());
  const body = {
    event,
    workspaceId: ctx.workspaceId,
    channelId,
    number: task.n,
    text: task.text,
    assigneeId: task.assigneeId ?? null,
    dueAt: iso(task.dueAt),
    done: task.doneAt !== undefined,
    completedAt: iso(task.doneAt),
    createdBy: task.createdBy,
    createdAt: iso(task.createdAt),
    sourceMessageId: task.messageId ?? null,
  };
  try {
    const response = await ctx.http.fetch(url, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        ...(syncToken ? { authorization: `Bearer ${syncToken}` } : {}),
      },
      body: JSON.stringify(body),
    });
    if (response.status < 200 || response.status > 299)
      ctx.log.warn('task sync was refused', { url, status: response.status, event });
  } catch (error) {
    ctx.log.warn('task sync failed', {
      url,
      event,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** The person a mention (or `me`) names, if they belong to the workspace. */
async function member(ctx: PluginContext, userId: string): Promise<string | undefined> {
  const user = await ctx.users.get(userId);
  return user && !user.isBot ? user.id : undefined;
}

type Subcommand = (
  words: string[],
  rest: string,
  channelId: string,
  userId: string,
  ctx: PluginContext,
) => Promise<CommandResponse>;

const subcommands: Record<string, Subcommand> = {
  add: async (_words, rest, channelId, userId, ctx) => {
    const timeZone = timeZoneOf(ctx);
    const now = await ctx.now();
    const parsed = parseAdd(rest, now, timeZone);
    if ('error' in parsed) return ephemeral(parsed.error);
    if (parsed.assigneeId && !(await member(ctx, parsed.assigneeId)))
      return ephemeral(`<@${parsed.assigneeId}> is not a member of this workspace.`);
    const added = await updateTasks(ctx, channelId, (doc) =>
      addTask(doc, {
        ...parsed,
        createdBy: userId,
        createdAt: now,
        // A task that is due already needs no reminder: its author just said so.
        ...(parsed.dueAt !== undefined && parsed.dueAt <= now ? { reminded: true } : {}),
      }),
    );
    if ('error' in added) return ephemeral(added.error);
    await sync(ctx, channelId, added, 'added');
    return inChannel(`📝 <@${userId}> added ${describeTask(added, now, timeZone)}`);
  },

  list: async (words, _rest, channelId, userId, ctx) => {
    const filter = words[0]?.toLowerCase() ?? 'open';
    if (!['open', 'mine', 'all'].includes(filter))
      return ephemeral(`\`/task list\` takes \`mine\` or \`all\`, not “${words[0]}”.\n\n${USAGE}`);
    const timeZone = timeZoneOf(ctx);
    const now = await ctx.now();
    const tasks = (await readTasks(ctx, channelId)).filter((task) =>
      filter === 'all'
        ? true
        : task.doneAt === undefined && (filter === 'open' || task.assigneeId === userId),
    );
    const title = { open: 'Open tasks', mine: 'Your open tasks', all: 'All tasks' }[filter];
    if (tasks.length === 0)
      return ephemeral(`${title} in this channel: none. Add one with \`/task add <text>\`.`);
    return ephemeral(
      `${title} in this channel:\n${tasks.map((task) => describeTask(task, now, timeZone)).join('\n')}`,
    );
  },

  done: async (words, _rest, channelId, userId, ctx) => {
    const n = parseNumber(words[0]);
    if (n === undefined) return ephemeral('Usage: `/task done <n>`, with n from `/task list`.');
    const now = await ctx.now();
    const outcome = await updateTasks(ctx, channelId, (doc) => {
      const task = doc.tasks.find((candidate) => candidate.n === n);
      if (!task) return `There is no task #${n} in this channel.`;
      if (task.doneAt !== undefined) return `Task #${n} is already done.`;
      Object.assign(task, { doneAt: now, doneBy: userId });
      return task;
    });
    if (typeof outcome === 'string') return ephemeral(outcome);
    await sync(ctx, channelId, outcome, 'completed');
    return inChannel(`✅ <@${userId}> completed #${n}: ${outcome.text}`);
  },

  assign: async (words, _rest, channelId, userId, ctx) => {
    const n = parseNumber(words[0]);
    const named = words[1]?.toLowerCase() === 'me' ? userId : parseMention(words[1]);
    if (n === undefined || named === undefined || words.length > 2)
      return ephemeral('Usage: `/task assign <n> @person` (or `me`), with n from `/task list`.');
    if (!(await member(ctx, named))) return ephemeral(`<@${named}> is not a member of this workspace.`);
    const outcome = await updateTasks(ctx, channelId, (doc) => {
      const task = doc.tasks.find((candidate) => candidate.n === n);
      if (!task) return `There is no task #${n} in this channel.`;
      task.assigneeId = named;
      return task;
    });
    if (typeof outcome === 'string') return ephemeral(outcome);
    await sync(ctx, channelId, outcome, 'assigned');
    return inChannel(`👉 <@${userId}> assigned #${n} to <@${named}>: ${outcome.text}`);
  },
};

export default definePlugin({
  commands: {
    task: async ({ args, channelId, userId }, ctx) => {
      const [name = 'help', ...words] = args.trim().split(/\s+/).filter(Boolean);
      const subcommand = Object.prototype.hasOwnProperty.call(subcommands, name.toLowerCase())
        ? subcommands[name.toLowerCase()]
        : undefined;
      if (!subcommand) {
        const unknown = name.toLowerCase() === 'help' ? '' : `There is no \`/task ${name}\`.\n\n`;
        return ephemeral(unknown + USAGE);
      }
      const rest = args.trim().slice(name.length);
      return subcommand(words, rest, channelId, userId, ctx);
    },
  },

  on: {
    'reaction.added': async (event, ctx) => {
      if (emojiKey(event.emoji) !== emojiKey(settingsOf(ctx).reactionEmoji)) return;
      // Null when the message is gone or in a channel the bot may not read.
      const message = await ctx.messages.get(event.messageId);
      if (!message) return;
      const text =
        message.text.replace(/\s+/g, ' ').trim() || `Message with attachments from <@${message.userId}>`;
      const now = await ctx.now();
      const added = await updateTasks(ctx, message.channelId, (doc) =>
        // Events arrive at least once, and several people may react: one task per message.
        doc.tasks.some((task) => task.messageId === message.id)
          ? undefined
          : addTask(doc, {
              text: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text,
              createdBy: event.userId,
              createdAt: now,
              messageId: message.id,
            }),
      );
      if (added === undefined) return;
      if ('error' in added) {
        ctx.log.warn('could not turn a message into a task', { reason: added.error });
        return;
      }
      await ctx.messages.post({
        channelId: message.channelId,
        threadId: message.threadId ?? message.id,
        text: `📝 <@${event.userId}> turned this message into task #${added.n}.`,
      });
      await sync(ctx, message.channelId, added, 'added');
    },
  },

  schedules: {
    /** Every minute: one reminder per task as it falls due (less the lead time), posted in its channel. */
    remind: async (ctx) => {
      const now = await ctx.now();
      const lead = settingsOf(ctx).reminderLeadMinutes * 60_000;
      const timeZone = timeZoneOf(ctx);
      for (const key of await ctx.kv.list(CHANNEL_PREFIX)) {
        const channelId = key.slice(CHANNEL_PREFIX.length);
        // Marked before posting: a reminder that fails to post is logged, not repeated every minute.
        const due = await updateTasks(ctx, channelId, (doc) => {
          const found = doc.tasks.filter(
            (task) =>
              task.doneAt === undefined &&
              !task.reminded &&
              task.dueAt !== undefined &&
              task.dueAt - lead <= now,
          );
          for (const task of found) task.reminded = true;
          return found;
        });
        if (due.length === 0) continue;
        const lines = due.map(
          (task) =>
            `${describeTask(task, now, timeZone)}${task.assigneeId ? '' : ` (added by <@${task.createdBy}>)`}`,
        );
        try {
          await ctx.messages.post({
            channelId,
            text: due.length === 1 ? `⏰ Due: ${lines[0]}` : `⏰ Due:\n${lines.join('\n')}`,
          });
        } catch (error) {
          ctx.log.error('could not post a reminder', {
            channelId,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
    },
  },
});
