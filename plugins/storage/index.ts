import { definePlugin, type CommandResponse, type PluginContext } from '@jokkaer/sdk-plugin';
import { s3Upload } from './s3';
import { backoffMs, enqueue, MAX_ATTEMPTS, readIndex, remember, RETRY_PREFIX, type Pending } from './store';
import type { Upload } from './upload';
import { webdavUpload } from './webdav';

/**
 * The storage connector: copies files shared in the chosen channels to a WebDAV collection or an S3-compatible
 * bucket, and lists them with `/files find <name>`. A failed copy fails the event (so the invocation log
 * shows it) and is queued in KV; a schedule retries it with backoff and, after MAX_ATTEMPTS, says so in the
 * channel. Events arrive at least once and the server does not redeliver a failed one, hence the queue.
 */

interface Settings {
  backend: 'webdav' | 's3';
  channels: string[];
  pathPrefix: string;
  webdavUrl?: string;
  webdavUsername?: string;
  webdavPassword?: string;
  s3Endpoint?: string;
  s3Region: string;
  s3Bucket?: string;
  s3AccessKeyId?: string;
  s3SecretAccessKey?: string;
  s3PathStyle: boolean;
}

const USAGE =
  '`/files find <name>` lists the files copied to storage whose name contains <name>, with links.';
const MAX_LISTED = 20;
/** Due retries tried per run, so a run stays well within its time limit even when each fetch times out. */
const RETRIES_PER_RUN = 3;

const settingsOf = (ctx: PluginContext) => ctx.settings as unknown as Settings;
const ephemeral = (text: string): CommandResponse => ({ responseType: 'ephemeral', text });
const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A file the server will not hand over (too large): retrying cannot help. */
class FileRefused extends Error {}

function upload(ctx: PluginContext, file: Upload): Promise<string> {
  const settings = settingsOf(ctx);
  if (settings.backend === 's3') {
    return s3Upload(
      ctx,
      {
        endpoint: settings.s3Endpoint,
        region: settings.s3Region,
        bucket: settings.s3Bucket!,
        accessKeyId: settings.s3AccessKeyId!,
        secretAccessKey: settings.s3SecretAccessKey!,
        pathStyle: settings.s3PathStyle,
      },
      file,
    );
  }
  return webdavUpload(
    ctx,
    { url: settings.webdavUrl!, username: settings.webdavUsername, password: settings.webdavPassword },
    file,
  );
}

/**
 * Copies one file unless the index has it already (so a repeated event uploads nothing); the path depends only
 * on the file, so an upload repeated after a crash overwrites itself. False when the bot may not see the file.
 */
async function mirror(ctx: PluginContext, fileId: string, channelId: string): Promise<boolean> {
  if ((await readIndex(ctx)).some((record) => record.id === fileId)) return true;
  const file = await ctx.files.get(fileId).catch((error: unknown) => {
    throw new FileRefused(reasonOf(error));
  });
  if (!file) return false;
  const { pathPrefix } = settingsOf(ctx);
  const link = await upload(ctx, {
    path: [...(pathPrefix ? pathPrefix.split('/') : []), channelId, `${file.id}-${file.name}`],
    contentType: file.contentType,
    contentBase64: file.contentBase64,
  });
  await remember(ctx, {
    id: file.id,
    name: file.name,
    size: file.size,
    link,
    channelId,
    at: await ctx.now(),
  });
  return true;
}

async function giveUp(ctx: PluginContext, pending: Pending, reason: string): Promise<void> {
  ctx.log.error('gave up copying a file to storage', { ...pending, lastError: reason });
  await ctx.messages
    .post({
      channelId: pending.channelId,
      text: `⚠️ Could not copy *${pending.name}* to storage after ${pending.attempts} attempts: ${reason}. Share it again to retry.`,
    })
    .catch((error: unknown) => ctx.log.warn('could not tell the channel', { error: reasonOf(error) }));
}

const formatSize = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export default definePlugin({
  on: {
    'message.created': async (message, ctx) => {
      if (message.files.length === 0 || !settingsOf(ctx).channels.includes(message.channelId)) return;
      const failures: string[] = [];
      for (const file of message.files) {
        try {
          if (!(await mirror(ctx, file.id, message.channelId)))
            ctx.log.warn('the bot may not read this file; not copied', { fileId: file.id });
        } catch (error) {
          const reason = reasonOf(error);
          if (error instanceof FileRefused) failures.push(`${file.name}: ${reason}`);
          else {
            await enqueue(ctx, { fileId: file.id, channelId: message.channelId, name: file.name }, reason);
            failures.push(`${file.name}: ${reason}; retrying later`);
          }
        }
      }
      if (failures.length > 0) throw new Error(`could not copy ${failures.join(' | ')}`);
    },
  },

  schedules: {
    retry: async (ctx) => {
      const now = await ctx.now();
      const due: [string, Pending][] = [];
      for (const key of await ctx.kv.list(RETRY_PREFIX)) {
        const pending = await ctx.kv.get<Pending>(key);
        if (pending && pending.nextAt <= now) due.push([key, pending]);
        if (due.length === RETRIES_PER_RUN) break;
      }
      const failures: string[] = [];
      for (const [key, pending] of due) {
        try {
          await mirror(ctx, pending.fileId, pending.channelId);
          await ctx.kv.delete(key);
        } catch (error) {
          const reason = reasonOf(error);
          const attempts = pending.attempts + 1;
          failures.push(`${pending.name} (attempt ${attempts}): ${reason}`);
          if (error instanceof FileRefused || attempts >= MAX_ATTEMPTS) {
            await ctx.kv.delete(key);
            await giveUp(ctx, { ...pending, attempts }, reason);
          } else {
            await ctx.kv.set(key, {
              ...pending,
              attempts,
              nextAt: now + backoffMs(attempts),
              lastError: reason,
            });
          }
        }
      }
      if (failures.length > 0) throw new Error(`could not copy ${failures.join(' | ')}`);
    },
  },

  commands: {
    files: async ({ args }, ctx) => {
      const match = /^find\s+(.+)$/i.exec(args.trim());
      if (!match) return ephemeral(USAGE);
      const query = match[1].trim().toLowerCase();
      const found = (await readIndex(ctx))
        .filter((record) => record.name.toLowerCase().includes(query))
        .sort((a, b) => b.at - a.at);
      if (found.length === 0) return ephemeral(`No copied file matches “${match[1].trim()}”.`);
      const lines = found
        .slice(0, MAX_LISTED)
        .map(
          (record) =>
            `• *${record.name}* (${formatSize(record.size)}, ${new Date(record.at).toISOString().slice(0, 10)}): ${record.link}`,
        );
      const more =
        found.length > MAX_LISTED ? `\n…and ${found.length - MAX_LISTED} more; narrow the name.` : '';
      return ephemeral(`${lines.join('\n')}${more}`);
    },
  },
});
