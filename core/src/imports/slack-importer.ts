import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { Database } from '../database/database';
import { EgressClient } from '../egress/egress.client';
import { EventsRepository } from '../events/events.repository';
import { normalizeContentType } from '../files/files.schemas';
import { STORAGE_DRIVER } from '../files/storage';
import type { StorageDriver } from '../files/storage';
import type { BotProfile } from '../messages/messages.schemas';
import { ProblemException } from '../common/problem';
import { assertRichContent } from '../slack/block-kit';
import type { Attachment, Block } from '../slack/block-kit.schemas';
import { WorkspacesService } from '../workspaces/workspaces.service';
import type { Role } from '../workspaces/workspaces.schemas';
import { importedMessageId, isSlackTs, tsToDate, tsToMicros } from './imported-ids';
import { ImportsRepository } from './imports.repository';
import type {
  ImportedFile,
  ImportedMention,
  ImportedMessage,
  ImportedReaction,
  ImportItem,
  ImportRow,
  NewAccount,
  NewConversation,
} from './imports.repository';
import { emptyCounts } from './imports.schemas';
import type { ImportProgress, ImportView, SkippedItem } from './imports.schemas';
import { convertSlackMarkup } from './slack-markup';
import { SlackArchive } from './slack-archive';
import type { ArchiveLimits, DayFile } from './slack-archive';

interface SlackUser {
  id?: unknown;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_app_user?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  profile?: { email?: string; real_name?: string; display_name?: string; bot_id?: string };
}

interface SlackConversation {
  id?: unknown;
  name?: string;
  created?: number;
  creator?: string;
  is_archived?: boolean;
  members?: unknown;
  topic?: { value?: string };
  purpose?: { value?: string };
}

interface SlackFile {
  id?: unknown;
  name?: string;
  title?: string;
  filetype?: string;
  mimetype?: string;
  size?: number;
  permalink?: string;
  url_private?: string;
  url_private_download?: string;
}

interface SlackMessage {
  type?: string;
  subtype?: string;
  ts?: unknown;
  user?: string;
  bot_id?: string;
  username?: string;
  icons?: { image_48?: string; image_72?: string };
  bot_profile?: { name?: string };
  text?: string;
  thread_ts?: unknown;
  edited?: { ts?: unknown };
  reactions?: { name?: string; users?: unknown }[];
  files?: SlackFile[];
  blocks?: unknown;
  attachments?: unknown;
}

/** The files that list conversations, with what kind each becomes. */
const CONVERSATION_LISTS = [
  { file: 'channels.json', kind: 'public' },
  { file: 'groups.json', kind: 'private' },
  { file: 'mpims.json', kind: 'mpim' },
  { file: 'dms.json', kind: 'dm' },
] as const;

/** Notices Slack writes as messages; what they record is imported as the conversation's members and topic. */
const NOTICE_SUBTYPES = new Set([
  'channel_join',
  'channel_leave',
  'group_join',
  'group_leave',
  'channel_topic',
  'group_topic',
  'channel_purpose',
  'group_purpose',
  'channel_name',
  'group_name',
  'channel_archive',
  'group_archive',
  'channel_unarchive',
  'group_unarchive',
]);

const EXAMPLES_KEPT = 5;

/** The import was undone or taken over while it ran: stop without writing more. */
export class ImportStopped extends Error {}

/** The export cannot be imported at all (said in the import's `error`). */
export class ImportFailed extends Error {}

/** Lower-case `a-z 0-9 - _` as channel names are here: accents dropped, anything else a dash. */
export function channelNameOf(slackName: string, fallback: string): string {
  const name = slackName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return name || fallback.toLowerCase().slice(0, 80);
}

const isWebUrl = (url: string) => /^https?:\/\//i.test(url);

const formatSize = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : bytes >= 1024
      ? `${Math.round(bytes / 1024)} KB`
      : `${bytes} B`;

/** A shared file as a line of the message: its name, type and size, linked to where Slack keeps it. */
function fileLine(file: SlackFile): string {
  const name = (file.name ?? file.title ?? 'file').replace(/[[\]]/g, '\\$&');
  // Our own exports name the file's entry in the zip, which is no place to link to.
  const link = [file.permalink, file.url_private].find((url) => url && isWebUrl(url));
  const details = [
    file.filetype ?? file.mimetype,
    typeof file.size === 'number' ? formatSize(file.size) : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return `📎 ${link ? `[${name}](${link})` : name}${details ? ` (${details})` : ''}`;
}

interface Conversation {
  slackId: string;
  id: string;
  name: string;
}

/** A shared file to store for a message of the batch: read from the zip, or downloaded. */
interface WantedFile {
  slackId: string;
  messageId: string;
  position: number;
  uploaderId: string;
  file: SlackFile;
}

/** A file that could not be stored: reported, and the import goes on. */
class FileNotDownloaded extends Error {}

/** How long one file's download may take, connection to last byte. */
const FILE_DOWNLOAD_TIMEOUT_MS = 120_000;

interface Batch {
  messages: ImportedMessage[];
  reactions: ImportedReaction[];
  mentions: ImportedMention[];
  /** Per message id: files it shares (counted once it is inserted). */
  files: Map<string, number>;
  /** Files to store: those the zip carries, and the others with a download token. */
  downloads: WantedFile[];
  /** Bots first seen in this batch, created with it. */
  bots: NewAccount[];
}

const emptyBatch = (): Batch => ({
  messages: [],
  reactions: [],
  mentions: [],
  files: new Map(),
  downloads: [],
  bots: [],
});

export const toImportView = (row: ImportRow): ImportView => ({
  id: row.id,
  workspaceId: row.workspaceId,
  userId: row.createdBy,
  status: row.status,
  archiveName: row.archiveName,
  archiveBytes: Number(row.archiveBytes),
  dayFilesTotal: row.progress.dayFilesTotal,
  dayFilesDone: row.progress.dayFilesDone,
  // A job resumed from before a count existed lacks it.
  counts: { ...emptyCounts(), ...row.progress.counts },
  skipped: row.skipped,
  error: row.error,
  createdAt: row.createdAt.toISOString(),
  finishedAt: row.finishedAt?.toISOString() ?? null,
});

/**
 * Runs one import, resumable: accounts and conversations are matched or created first (both idempotent, keyed
 * on Slack ids), then the day files from the first not yet imported, in batches that each commit with the
 * job's checkpoint. Imported history appends no domain events (no plugin, webhook or app hears of old
 * messages); only `import.progress` to whoever started it, and the membership events of people added.
 */
@Injectable()
export class SlackImporter {
  constructor(
    private readonly db: Database,
    private readonly repository: ImportsRepository,
    private readonly workspaces: WorkspacesService,
    private readonly events: EventsRepository,
    private readonly clock: Clock,
    private readonly egress: EgressClient,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get archiveLimits(): ArchiveLimits {
    return {
      maxUncompressedBytes: this.config.importMaxUncompressedBytes,
      maxRatio: this.config.importMaxRatio,
    };
  }

  async run(job: ImportRow, archivePath: string, lease: ImportLease): Promise<ImportRow | undefined> {
    const archive = await SlackArchive.open(archivePath, this.archiveLimits);
    try {
      return await new ImportRun(this, job, archive, lease).run();
    } finally {
      archive.close();
    }
  }

  /** For ImportRun: the collaborators it writes through. */
  get parts() {
    return {
      db: this.db,
      repository: this.repository,
      workspaces: this.workspaces,
      events: this.events,
      clock: this.clock,
      batchSize: this.config.importBatchMessages,
      egress: this.egress,
      storage: this.storage,
      fileHosts: this.config.importFileHosts,
      maxFileBytes: this.config.uploadLimitBytes,
    };
  }
}

/** What the worker lends a run: its name on the lease, when the lease ends, and whether to stop. */
export interface ImportLease {
  owner: string;
  until(): Date;
  stopping(): boolean;
}

class ImportRun {
  private readonly parts: SlackImporter['parts'];
  private readonly workspaceId: string;
  private readonly progress: ImportProgress;
  private readonly skipped = new Map<string, SkippedItem>();
  private readonly users = new Map<string, string>();
  private readonly bots = new Map<string, string>();
  private readonly conversations = new Map<string, Conversation>();
  private readonly folders = new Map<string, Conversation>();
  private lastAnnounced = 0;
  /** The batch being written (see flush). */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    importer: SlackImporter,
    private readonly job: ImportRow,
    private readonly archive: SlackArchive,
    private readonly lease: ImportLease,
  ) {
    this.parts = importer.parts;
    this.workspaceId = job.workspaceId;
    this.progress = structuredClone(job.progress);
    this.progress.counts = { ...emptyCounts(), ...this.progress.counts };
    for (const item of job.skipped) this.skipped.set(`${item.item}\0${item.reason}`, structuredClone(item));
  }

  async run(): Promise<ImportRow | undefined> {
    const items = await this.parts.repository.items(this.workspaceId);
    for (const item of items) {
      if (item.kind === 'user') this.users.set(item.slackId, item.localId);
      if (item.kind === 'bot') this.bots.set(item.slackId, item.localId);
    }
    await this.importUsers();
    await this.importConversations(items);
    if (this.archive.has('integration_logs.json')) {
      const logs = await this.readList('integration_logs.json');
      if (logs && logs.length > 0) {
        this.skip('integration_logs.json', 'a log of app installs: nothing to import', logs.length);
      }
    }
    const days = this.archive.dayFiles();
    this.progress.dayFilesTotal = days.length;
    try {
      if (!(await this.importDays(days))) return undefined;
    } finally {
      await this.writing.catch(() => undefined);
    }
    await this.parts.repository.markImportedRead([
      ...new Set([...this.conversations.values()].map((c) => c.id)),
    ]);
    return this.job;
  }

  /** Imports the day files not imported yet; false when the worker is stopping (the job is resumed later). */
  private async importDays(days: DayFile[]): Promise<boolean> {
    let batch = emptyBatch();
    for (let index = this.progress.dayFilesDone; index < days.length; index++) {
      if (this.lease.stopping()) {
        await this.flush(batch, index);
        await this.writing;
        return false;
      }
      const day = days[index];
      const conversation = this.folders.get(day.folder);
      const messages = await this.readList(day.name);
      if (!conversation) {
        this.skip(
          day.name,
          'no conversation in channels.json, groups.json, mpims.json or dms.json has this folder',
        );
      } else if (messages) {
        for (const message of messages) {
          this.convert(conversation, message, day.name, batch);
          if (batch.messages.length >= this.parts.batchSize) {
            await this.flush(batch, index);
            batch = emptyBatch();
          }
        }
      }
      // Batches are full ones (a checkpoint mid-day says to read that day again), and the last.
      if (index === days.length - 1) {
        await this.flush(batch, index + 1);
        batch = emptyBatch();
      }
    }
    if (days.length === 0) await this.flush(batch, 0);
    await this.writing;
    return true;
  }

  /** A list from a JSON entry of the export; a malformed one is reported and skipped. */
  private async readList(name: string): Promise<unknown[] | undefined> {
    try {
      const value = await this.archive.readJson(name);
      if (value === undefined) return undefined;
      if (Array.isArray(value)) return value as unknown[];
      this.skip(name, 'is not a JSON list');
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      this.skip(name, `malformed JSON (${error.message})`);
    }
    return undefined;
  }

  /**
   * A message's blocks or attachments as messages here take them, else null (the text is kept). Slack writes a
   * `rich_text` block repeating the text into nearly every message: the text carries it already, so it is left
   * out, and only what else there is must fit the Block Kit subset.
   */
  private richContent(field: 'blocks' | 'attachments', value: unknown, where: string): unknown[] | null {
    if (!Array.isArray(value)) return null;
    const items: unknown[] = value;
    const kept =
      field === 'blocks'
        ? items.filter((block) => (block as { type?: unknown } | null)?.type !== 'rich_text')
        : items;
    if (kept.length === 0) return null;
    try {
      assertRichContent({ [field]: kept });
      return kept;
    } catch (error) {
      if (!(error instanceof ProblemException)) throw error;
      this.skip(field, 'outside the Block Kit subset messages take: the text is kept', 1, where);
      return null;
    }
  }

  private skip(item: string, reason: string, count = 1, example?: string): void {
    const key = `${item}\0${reason}`;
    const entry = this.skipped.get(key) ?? { item, reason, count: 0, examples: [] };
    entry.count += count;
    if (example && entry.examples.length < EXAMPLES_KEPT && !entry.examples.includes(example)) {
      entry.examples.push(example);
    }
    this.skipped.set(key, entry);
  }

  private async importUsers(): Promise<void> {
    const list = await this.readList('users.json');
    if (!list) throw new ImportFailed('users.json is not a list of users');
    const people = list.filter(
      (user): user is SlackUser & { id: string } =>
        typeof user === 'object' && user !== null && typeof (user as SlackUser).id === 'string',
    );
    if (people.length < list.length) this.skip('user', 'has no id', list.length - people.length);
    const fresh = people.filter((user) => !this.users.has(user.id));
    const existing = await this.parts.repository.usersByEmail(
      fresh.flatMap((user) =>
        user.profile?.email && !this.isBot(user) ? [user.profile.email.toLowerCase()] : [],
      ),
    );
    const accounts: NewAccount[] = [];
    const items: ImportItem[] = [];
    const members: { userId: string; role: Role }[] = [];
    const counts = this.progress.counts;
    for (const user of fresh) {
      const isBot = this.isBot(user);
      const email = user.profile?.email?.toLowerCase();
      const matched = !isBot && email ? existing.get(email) : undefined;
      const localId = matched ?? newId();
      if (matched) counts.matchedUsers++;
      else {
        accounts.push({
          id: localId,
          email: email && !isBot ? email : this.syntheticEmail(user.id),
          displayName: this.displayName(user),
          isBot,
          deactivated: user.deleted === true,
        });
        if (isBot) counts.bots++;
        else counts.users++;
      }
      if (user.deleted) counts.deactivatedUsers++;
      else
        members.push({
          userId: localId,
          role: user.is_restricted || user.is_ultra_restricted ? 'guest' : 'member',
        });
      items.push({ kind: 'user', slackId: user.id, localId, created: !matched });
      this.users.set(user.id, localId);
      const botId = user.profile?.bot_id;
      if (isBot && botId && !this.bots.has(botId)) {
        items.push({ kind: 'bot', slackId: botId, localId, created: false });
        this.bots.set(botId, localId);
      }
    }
    await this.parts.db.transaction(async () => {
      await this.lock();
      await this.parts.repository.insertAccounts(accounts, new Date(this.parts.clock.now()));
      await this.parts.repository.saveItems(this.workspaceId, this.job.id, items);
      await this.parts.workspaces.addImported(this.workspaceId, members);
      await this.save();
    });
  }

  private isBot(user: SlackUser & { id: string }): boolean {
    return user.is_bot === true || user.is_app_user === true || user.id === 'USLACKBOT';
  }

  private displayName(user: SlackUser & { id: string }): string {
    const name =
      user.profile?.display_name || user.profile?.real_name || user.real_name || user.name || user.id;
    return name.trim().slice(0, 80) || user.id;
  }

  /** Someone without an email (bots, some deleted people): an address that can never receive mail. */
  private syntheticEmail(slackId: string): string {
    return `slack.${slackId.toLowerCase()}.${this.workspaceId}@import.jokkaer.invalid`;
  }

  private async importConversations(items: ImportItem[]): Promise<void> {
    const mapped = new Map(
      items.filter((item) => item.kind === 'channel').map((item) => [item.slackId, item.localId]),
    );
    const existing = await this.parts.repository.existingConversations(this.workspaceId);
    const byName = new Map(existing.filter((c) => c.name).map((c) => [c.name!, c]));
    const byDmKey = new Map(existing.filter((c) => c.dmKey).map((c) => [c.dmKey!, c]));
    const names = new Map(existing.map((c) => [c.id, c.name ?? '']));
    const fresh: NewConversation[] = [];
    const newItems: ImportItem[] = [];
    const members: { channelId: string; userId: string }[] = [];
    const counts = this.progress.counts;
    for (const { file, kind } of CONVERSATION_LISTS) {
      for (const raw of (await this.readList(file)) ?? []) {
        const slack = raw as SlackConversation;
        if (typeof slack !== 'object' || slack === null || typeof slack.id !== 'string') {
          this.skip(file, 'an entry without an id');
          continue;
        }
        const slackId = slack.id;
        const people = (Array.isArray(slack.members) ? (slack.members as unknown[]) : [])
          .filter((id): id is string => typeof id === 'string')
          .map((id) => this.users.get(id))
          .filter((id): id is string => id !== undefined);
        const isDm = kind === 'dm' || kind === 'mpim';
        const slackName = typeof slack.name === 'string' ? slack.name : slackId;
        let id = mapped.get(slackId);
        if (!id) {
          const dmKey = isDm ? [...new Set(people)].sort().join(',') : null;
          const name = isDm ? null : this.freeName(channelNameOf(slackName, slackId), byName, fresh);
          const match = dmKey !== null ? byDmKey.get(dmKey) : byName.get(name!);
          id = match?.id ?? newId();
          if (match) counts.matchedChannels++;
          else {
            fresh.push({
              id,
              name,
              kind: isDm ? 'dm' : kind,
              topic: (slack.topic?.value || slack.purpose?.value || '').slice(0, 250),
              archived: slack.is_archived === true,
              dmKey,
              createdBy: (slack.creator && this.users.get(slack.creator)) || this.job.createdBy,
              createdAt: new Date(
                typeof slack.created === 'number' ? slack.created * 1000 : this.parts.clock.now(),
              ),
            });
            if (isDm) counts.directMessages++;
            else counts.channels++;
          }
          if (dmKey !== null) byDmKey.set(dmKey, { id, name: null, dmKey });
          newItems.push({ kind: 'channel', slackId, localId: id, created: !match });
          names.set(id, name ?? '');
        }
        for (const userId of people) members.push({ channelId: id, userId });
        const conversation = { slackId, id, name: names.get(id) || slackName };
        this.conversations.set(slackId, conversation);
        this.folders.set(kind === 'dm' ? slackId : slackName, conversation);
      }
    }
    await this.parts.db.transaction(async () => {
      await this.lock();
      await this.parts.repository.insertConversations(this.workspaceId, fresh);
      await this.parts.repository.saveItems(this.workspaceId, this.job.id, newItems);
      await this.parts.repository.addChannelMembers(this.workspaceId, members);
      await this.save();
    });
  }

  /** `name`, or `name-2`, `name-3`… when a channel of the workspace or of this import has it already. */
  private freeName(name: string, byName: Map<string, unknown>, fresh: NewConversation[]): string {
    const taken = (candidate: string) => fresh.some((c) => c.name === candidate);
    if (!taken(name)) return name;
    for (let n = 2; ; n++) {
      const candidate = `${name.slice(0, 76)}-${n}`;
      if (!taken(candidate) && !byName.has(candidate)) return candidate;
    }
  }

  private convert(conversation: Conversation, raw: unknown, file: string, batch: Batch): void {
    const message = raw as SlackMessage;
    const counts = this.progress.counts;
    const skip = (reason: string, example = file) => {
      counts.skippedMessages++;
      this.skip('message', reason, 1, example);
    };
    if (typeof message !== 'object' || message === null || !isSlackTs(message.ts)) {
      return skip('has no valid ts');
    }
    const ts = message.ts;
    const where = `${file}#${ts}`;
    if (message.type !== undefined && message.type !== 'message') return skip(`type ${message.type}`, where);
    if (message.subtype && NOTICE_SUBTYPES.has(message.subtype)) {
      return skip(
        `${message.subtype}: a notice; the conversation's members and topic are imported instead`,
        where,
      );
    }
    const isBotMessage = message.subtype === 'bot_message' || (!message.user && message.bot_id);
    const userId = isBotMessage ? this.botUser(message, batch) : this.users.get(message.user ?? '');
    if (!userId) return skip('its author is not in users.json', where);
    const id = importedMessageId(this.workspaceId, conversation.slackId, ts);
    const converted = convertSlackMarkup(message.text ?? '', {
      userId: (slackId) => this.users.get(slackId),
      channel: (slackId) => this.conversations.get(slackId),
      channelPath: (channelId) => `/w/${this.workspaceId}/c/${channelId}`,
    });
    const files = Array.isArray(message.files) ? message.files.filter((f) => typeof f === 'object' && f) : [];
    const body = message.subtype === 'me_message' && converted.text ? `_${converted.text}_` : converted.text;
    const text = [body, ...files.map(fileLine)].filter(Boolean).join('\n');
    const createdAt = tsToDate(ts);
    const threadTs = message.thread_ts;
    const threadId =
      isSlackTs(threadTs) && threadTs !== ts
        ? importedMessageId(this.workspaceId, conversation.slackId, threadTs)
        : null;
    batch.messages.push({
      id,
      channelId: conversation.id,
      userId,
      text,
      threadId,
      alsoSentToChannel: threadId !== null && message.subtype === 'thread_broadcast',
      ts: tsToMicros(ts),
      createdAt: createdAt.toISOString(),
      editedAt: isSlackTs(message.edited?.ts) ? tsToDate(message.edited.ts).toISOString() : null,
      botProfile: isBotMessage ? this.botProfile(message) : null,
      blocks: this.richContent('blocks', message.blocks, where) as Block[] | null,
      attachments: this.richContent('attachments', message.attachments, where) as Attachment[] | null,
    });
    if (files.length > 0) batch.files.set(id, files.length);
    for (const [position, file] of files.entries()) {
      if (!this.job.downloadToken && this.zipEntryOf(file) === undefined) continue;
      if (typeof file.id === 'string') {
        batch.downloads.push({ slackId: file.id, messageId: id, position, uploaderId: userId, file });
      } else this.skip('file', 'has no Slack id: not downloaded', 1, where);
    }
    for (const mentioned of converted.mentions) {
      batch.mentions.push({ messageId: id, channelId: conversation.id, userId: mentioned });
    }
    let order = 0;
    for (const reaction of Array.isArray(message.reactions) ? message.reactions : []) {
      if (typeof reaction?.name !== 'string' || !Array.isArray(reaction.users)) continue;
      for (const slackUser of reaction.users as unknown[]) {
        const reactor = typeof slackUser === 'string' ? this.users.get(slackUser) : undefined;
        // Slack does not say when each reaction came: after the message, in the order listed.
        const at = new Date(createdAt.getTime() + ++order).toISOString();
        if (reactor)
          batch.reactions.push({ messageId: id, userId: reactor, emoji: reaction.name, createdAt: at });
      }
    }
  }

  private botProfile(message: SlackMessage): BotProfile | null {
    const username = message.username ?? message.bot_profile?.name;
    const iconUrl = message.icons?.image_48 ?? message.icons?.image_72;
    if (!username && !iconUrl) return null;
    return { ...(username && { username }), ...(iconUrl && { iconUrl }) };
  }

  /** The account of the bot that posted: one per Slack bot id, made the first time one of its posts is seen. */
  private botUser(message: SlackMessage, batch: Batch): string {
    const botId = message.bot_id ?? 'B_UNKNOWN';
    const known = this.bots.get(botId);
    if (known) return known;
    const id = newId();
    const name = (message.bot_profile?.name ?? message.username ?? botId).trim().slice(0, 80) || botId;
    batch.bots.push({
      id,
      email: this.syntheticEmail(botId),
      displayName: name,
      isBot: true,
      deactivated: false,
    });
    this.bots.set(botId, id);
    return id;
  }

  /**
   * Queues a batch behind the one being written: the export is read and converted while PostgreSQL writes.
   * One write at a time, in order, so each checkpoint follows everything before it.
   */
  private async flush(batch: Batch, dayFilesDone: number): Promise<void> {
    await this.writing;
    this.writing = this.write(batch, dayFilesDone);
    // Its failure reaches the run at the next flush or at the end, not as an unhandled rejection.
    this.writing.catch(() => undefined);
  }

  /**
   * Stores the batch's files not stored yet (each failure reported, not fatal), from the zip or downloaded,
   * before the batch's transaction so none is held open meanwhile.
   */
  private async storeFiles(wanted: WantedFile[]): Promise<ImportedFile[]> {
    if (wanted.length === 0) return [];
    const { repository, storage } = this.parts;
    const already = await repository.storedFiles(this.workspaceId, [
      ...new Set(wanted.map((w) => w.slackId)),
    ]);
    const stored: ImportedFile[] = [];
    for (const want of wanted) {
      if (already.has(want.slackId)) continue;
      already.add(want.slackId);
      const name = (want.file.name || want.file.title || want.slackId)
        // eslint-disable-next-line no-control-regex
        .replace(/[/\\\u0000-\u001f\u007f]/g, '_')
        .slice(0, 255);
      try {
        const { bytes, contentType } = await this.fileBytes(want.file);
        const id = newId();
        const storageKey = `${this.workspaceId}/${id}`;
        await storage.write(storageKey, Readable.from([bytes]));
        stored.push({ ...want, id, name, size: bytes.length, contentType, storageKey });
      } catch (error) {
        if (!(error instanceof FileNotDownloaded)) throw error;
        this.skip('file', error.message, 1, `${name} (${want.slackId})`);
      }
    }
    return stored;
  }

  /**
   * The zip entry holding a shared file's bytes: exports made here carry them, named by `url_private`
   * (absent from Slack's own exports, whose files are on Slack's servers).
   */
  private zipEntryOf(file: SlackFile): string | undefined {
    const entry = file.url_private;
    return entry && !isWebUrl(entry) && this.archive.has(entry) ? entry : undefined;
  }

  /** A shared file's bytes: from the zip when it carries them, else downloaded from Slack. */
  private async fileBytes(file: SlackFile): Promise<{ bytes: Buffer; contentType: string }> {
    const entry = this.zipEntryOf(file);
    if (entry === undefined) return await this.fetchFile(file);
    if (this.archive.size(entry)! > this.parts.maxFileBytes) {
      throw new FileNotDownloaded(`larger than ${this.parts.maxFileBytes} bytes`);
    }
    return { bytes: (await this.archive.read(entry))!, contentType: normalizeContentType(file.mimetype) };
  }

  /** A shared file's bytes from Slack, with the download token, through the egress guard. */
  private async fetchFile(file: SlackFile): Promise<{ bytes: Buffer; contentType: string }> {
    const { egress, fileHosts, maxFileBytes } = this.parts;
    const url = file.url_private_download ?? file.url_private;
    if (!url || !isWebUrl(url)) throw new FileNotDownloaded('has no download URL');
    let response;
    try {
      response = await egress.fetch(
        url,
        { headers: { authorization: `Bearer ${this.job.downloadToken}` } },
        { allowedHosts: fileHosts, timeoutMs: FILE_DOWNLOAD_TIMEOUT_MS, maxResponseBytes: maxFileBytes },
      );
    } catch (error) {
      throw new FileNotDownloaded(`download failed: ${(error as Error).message}`);
    }
    if (response.status !== 200) {
      throw new FileNotDownloaded(`download failed: the server answered ${response.status}`);
    }
    const served = normalizeContentType(response.headers['content-type']);
    return {
      bytes: response.bytes,
      contentType: served === 'application/octet-stream' ? normalizeContentType(file.mimetype) : served,
    };
  }

  /** Writes a batch and the checkpoint after it in one transaction, and tells the importer how far it is. */
  private async write(batch: Batch, dayFilesDone: number): Promise<void> {
    const downloaded = await this.storeFiles(batch.downloads);
    let recorded = new Set<string>();
    try {
      recorded = await this.writeRows(batch, downloaded, dayFilesDone);
    } finally {
      // Bytes no row names (the batch failed, or the file was stored meanwhile by another import).
      for (const file of downloaded) {
        if (!recorded.has(file.id)) await this.parts.storage.delete(file.storageKey);
      }
    }
  }

  private async writeRows(
    batch: Batch,
    downloaded: ImportedFile[],
    dayFilesDone: number,
  ): Promise<Set<string>> {
    const { db, repository, clock } = this.parts;
    const counts = this.progress.counts;
    return await db.transaction(async () => {
      await this.lock();
      if (batch.bots.length > 0) {
        await repository.insertAccounts(batch.bots, new Date(clock.now()));
        const found = new Map([...this.bots].map(([slackId, localId]) => [localId, slackId]));
        await repository.saveItems(
          this.workspaceId,
          this.job.id,
          batch.bots.map((bot) => ({
            kind: 'bot',
            slackId: found.get(bot.id)!,
            localId: bot.id,
            created: true,
          })),
        );
        await this.parts.workspaces.addImported(
          this.workspaceId,
          batch.bots.map((bot) => ({ userId: bot.id, role: 'member' })),
        );
        counts.bots += batch.bots.length;
      }
      const inserted = await repository.insertMessages(
        this.workspaceId,
        this.job.id,
        batch.messages,
        batch.reactions,
        batch.mentions,
      );
      for (const message of batch.messages) {
        if (!inserted.has(message.id)) continue;
        if (message.threadId) counts.replies++;
        else counts.messages++;
        counts.files += batch.files.get(message.id) ?? 0;
      }
      counts.reactions += batch.reactions.filter((r) => inserted.has(r.messageId)).length;
      counts.mentions += batch.mentions.filter((m) => inserted.has(m.messageId)).length;
      const recorded = await repository.insertFiles(this.workspaceId, this.job.id, downloaded);
      counts.filesStored += recorded.size;
      this.progress.dayFilesDone = dayFilesDone;
      await this.save();
      return recorded;
    });
  }

  /** Holds the import's row for the transaction; gone (undone) or leased by another: stop. */
  private async lock(): Promise<void> {
    if (!(await this.parts.repository.lockLeased(this.job.id, this.lease.owner))) throw new ImportStopped();
  }

  private async save(): Promise<void> {
    const row = await this.parts.repository.checkpoint(
      this.job.id,
      this.lease.owner,
      this.progress,
      [...this.skipped.values()],
      this.lease.until(),
    );
    if (!row) throw new ImportStopped();
    // Told at most once a second while it runs (the worker tells the end).
    const now = this.parts.clock.now();
    if (now - this.lastAnnounced >= 1000) {
      this.lastAnnounced = now;
      await this.parts.events.append('import.progress', toImportView(row));
    }
  }
}
