import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Database } from '../database/database';
import { EventsRepository } from '../events/events.repository';
import { STORAGE_DRIVER } from '../files/storage';
import type { StorageDriver } from '../files/storage';
import type { ImportLease } from '../imports/slack-importer';
import { channelNameOf } from '../imports/slack-importer';
import { channelSlackId, formatTs, slackId } from '../slack/slack-ids';
import { ExportArchives, ZipWriter } from './export-archives';
import { ExportsRepository } from './exports.repository';
import type {
  ExportedConversation,
  ExportedFile,
  ExportedMessage,
  ExportedPerson,
  ExportedReaction,
  ExportRow,
} from './exports.repository';
import { emptyExportProgress } from './exports.schemas';
import type { ExportProgress, ExportView } from './exports.schemas';
import { toSlackText } from './slack-text';

/** Messages read per query while a conversation is written out. */
const PAGE_SIZE = 1000;

/** The export was deleted or taken over while it ran, or the instance is stopping: write no more. */
export class ExportStopped extends Error {}

export const downloadPath = (row: { workspaceId: string; id: string }) =>
  `/api/v1/workspaces/${row.workspaceId}/exports/${row.id}/download`;

export const toExportView = (row: ExportRow): ExportView => ({
  id: row.id,
  workspaceId: row.workspaceId,
  userId: row.createdBy,
  status: row.status,
  includePrivate: row.includePrivate,
  conversationsTotal: row.progress.conversationsTotal,
  conversationsDone: row.progress.conversationsDone,
  counts: row.progress.counts,
  archiveBytes: row.archiveBytes === null ? null : Number(row.archiveBytes),
  downloadUrl: row.status === 'done' ? downloadPath(row) : null,
  error: row.error,
  createdAt: row.createdAt.toISOString(),
  finishedAt: row.finishedAt?.toISOString() ?? null,
  expiresAt: row.expiresAt?.toISOString() ?? null,
});

const tsOf = (date: Date) => formatTs(BigInt(date.getTime()) * 1000n);
const dayOf = (ts: string) => new Date(Number(BigInt(ts) / 1000n)).toISOString().slice(0, 10);
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** A file's name as one path segment of the zip (yazl refuses `..` and absolute names). */
const entryName = (name: string) => {
  const safe = name.replace(/[/\\\0]/g, '_');
  return safe === '' || safe === '.' || safe === '..' ? 'file' : safe;
};

/**
 * Writes a workspace as Slack writes its exports (https://slack.com/help/articles/220556107): `users.json`, the
 * conversation lists, and a JSON file per conversation and day, with Slack ids (slack-ids.ts) and `ts`; files
 * shared in messages are in the zip under `files/<F…>/<name>`, which their `url_private` names.
 */
@Injectable()
export class SlackExporter {
  constructor(
    private readonly db: Database,
    private readonly repository: ExportsRepository,
    private readonly archives: ExportArchives,
    private readonly events: EventsRepository,
    private readonly clock: Clock,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
  ) {}

  /** Writes the export's zip from the start; resolves to its size. Throws ExportStopped to give it up. */
  async run(job: ExportRow, lease: ImportLease): Promise<number> {
    return await this.archives.write(job.id, (zip) => new ExportRun(this.parts, job, zip, lease).run());
  }

  private get parts(): ExportParts {
    return {
      db: this.db,
      repository: this.repository,
      events: this.events,
      clock: this.clock,
      storage: this.storage,
    };
  }
}

interface ExportParts {
  db: Database;
  repository: ExportsRepository;
  events: EventsRepository;
  clock: Clock;
  storage: StorageDriver;
}

interface Folder {
  conversation: ExportedConversation;
  slackId: string;
  name: string;
}

class ExportRun {
  private readonly progress: ExportProgress;
  private readonly people = new Map<string, ExportedPerson>();
  private readonly channels = new Map<string, { kind: string }>();
  private readonly filesWritten = new Set<string>();
  private lastAnnounced = 0;

  constructor(
    private readonly parts: ExportParts,
    private readonly job: ExportRow,
    private readonly zip: ZipWriter,
    private readonly lease: ImportLease,
  ) {
    this.progress = emptyExportProgress();
  }

  private get now(): Date {
    return new Date(this.parts.clock.now());
  }

  async run(): Promise<void> {
    const { repository } = this.parts;
    const handles = new Set<string>();
    const users: unknown[] = [];
    for (const person of await repository.people(this.job.workspaceId)) {
      this.people.set(person.id, person);
      users.push(this.userOf(person, handles));
    }
    this.progress.counts.users = users.length;
    await this.zip.add('users.json', json(users), this.now);

    const conversations = await repository.conversations(this.job.workspaceId, this.job.includePrivate);
    for (const conversation of conversations) this.channels.set(conversation.id, conversation);
    const folders = await this.writeConversationLists(conversations);
    this.progress.conversationsTotal = folders.length;
    await this.save(true);
    for (const folder of folders) {
      await this.writeHistory(folder);
      this.progress.conversationsDone++;
      await this.save(false);
    }
  }

  private userOf(person: ExportedPerson, handles: Set<string>): unknown {
    let handle = channelNameOf(person.displayName, 'user');
    for (let n = 2; handles.has(handle); n++) handle = `${channelNameOf(person.displayName, 'user')}${n}`;
    handles.add(handle);
    return {
      id: slackId('U', person.id),
      name: handle,
      real_name: person.displayName,
      deleted: person.gone,
      is_bot: person.isBot,
      is_restricted: person.role === 'guest',
      is_admin: person.role === 'owner' || person.role === 'admin',
      is_owner: person.role === 'owner',
      profile: {
        real_name: person.displayName,
        display_name: person.displayName,
        ...(person.isBot ? { bot_id: slackId('B', person.id) } : { email: person.email }),
      },
    };
  }

  private handleOf(userId: string): string {
    return channelNameOf(this.people.get(userId)?.displayName ?? '', 'user');
  }

  /** `channels.json`, `groups.json`, `dms.json` and `mpims.json`; returns where each one's days go. */
  private async writeConversationLists(conversations: ExportedConversation[]): Promise<Folder[]> {
    const lists = {
      channels: [] as unknown[],
      groups: [] as unknown[],
      dms: [] as unknown[],
      mpims: [] as unknown[],
    };
    const folders: Folder[] = [];
    const counts = this.progress.counts;
    for (const conversation of conversations) {
      const id = channelSlackId(conversation);
      const members = conversation.members.map((userId) => slackId('U', userId));
      const common = { id, created: seconds(conversation.createdAt), members };
      if (conversation.kind === 'dm') {
        counts.directMessages++;
        if (members.length <= 2) {
          lists.dms.push(common);
          folders.push({ conversation, slackId: id, name: id });
        } else {
          const name = `mpdm-${conversation.members.map((userId) => this.handleOf(userId)).join('--')}-1`;
          lists.mpims.push({ ...common, name, is_mpim: true, creator: slackId('U', conversation.createdBy) });
          folders.push({ conversation, slackId: id, name });
        }
        continue;
      }
      counts.channels++;
      const name = conversation.name ?? id;
      (conversation.kind === 'public' ? lists.channels : lists.groups).push({
        ...common,
        name,
        creator: slackId('U', conversation.createdBy),
        is_archived: conversation.archived,
        is_general: false,
        topic: { value: conversation.topic, creator: '', last_set: 0 },
        purpose: { value: '', creator: '', last_set: 0 },
      });
      folders.push({ conversation, slackId: id, name });
    }
    for (const [list, entries] of Object.entries(lists))
      await this.zip.add(`${list}.json`, json(entries), this.now);
    return folders;
  }

  /** A conversation's messages, a file per day (UTC, as Slack's), read a page at a time. */
  private async writeHistory(folder: Folder): Promise<void> {
    let day: { date: string; messages: unknown[] } | undefined;
    const flush = async () => {
      if (day && day.messages.length > 0) {
        await this.zip.add(`${folder.name}/${day.date}.json`, json(day.messages), this.now);
      }
    };
    for (let after = '0'; ;) {
      if (this.lease.stopping()) throw new ExportStopped();
      const page = await this.parts.repository.messages(folder.conversation.id, after, PAGE_SIZE);
      if (page.length === 0) break;
      const ids = page.map((message) => message.id);
      const reactions = groupBy(await this.parts.repository.reactions(ids));
      const files = groupBy(await this.parts.repository.files(ids));
      for (const message of page) {
        const date = dayOf(message.ts);
        if (day?.date !== date) {
          await flush();
          day = { date, messages: [] };
        }
        day.messages.push(
          await this.messageOf(message, reactions.get(message.id) ?? [], files.get(message.id) ?? []),
        );
      }
      after = page[page.length - 1].ts;
      await this.save(false);
    }
    await flush();
  }

  private async messageOf(
    message: ExportedMessage,
    reactions: ExportedReaction[],
    files: ExportedFile[],
  ): Promise<unknown> {
    const counts = this.progress.counts;
    const ts = formatTs(message.ts);
    const threadTs = message.threadTs === null ? null : formatTs(message.threadTs);
    if (threadTs) counts.replies++;
    else counts.messages++;
    const author = this.people.get(message.userId);
    const user = slackId('U', message.userId);
    const byEmoji = new Map<string, string[]>();
    for (const reaction of reactions) {
      byEmoji.set(reaction.emoji, [...(byEmoji.get(reaction.emoji) ?? []), slackId('U', reaction.userId)]);
    }
    counts.reactions += reactions.length;
    return {
      type: 'message',
      ...(author?.isBot
        ? {
            subtype: 'bot_message',
            bot_id: slackId('B', message.userId),
            ...(message.botProfile?.username && { username: message.botProfile.username }),
            ...(message.botProfile?.iconUrl && { icons: { image_48: message.botProfile.iconUrl } }),
          }
        : message.alsoSentToChannel
          ? { subtype: 'thread_broadcast' }
          : files.length > 0 && { subtype: 'file_share' }),
      user,
      text: toSlackText(message.text, this.channels),
      ts,
      ...(threadTs
        ? { thread_ts: threadTs }
        : message.replyCount > 0 && { thread_ts: ts, reply_count: message.replyCount }),
      ...(message.editedAt && { edited: { user, ts: tsOf(message.editedAt) } }),
      ...(message.blocks && { blocks: message.blocks }),
      ...(message.attachments && { attachments: message.attachments }),
      ...(byEmoji.size > 0 && {
        reactions: [...byEmoji].map(([name, users]) => ({ name, users, count: users.length })),
      }),
      ...(files.length > 0 && { files: await Promise.all(files.map((file) => this.fileOf(file))) }),
    };
  }

  /** The file as Slack lists it, its bytes written once into the zip where its `url_private` says. */
  private async fileOf(file: ExportedFile): Promise<unknown> {
    const id = slackId('F', file.id);
    const entry = `files/${id}/${entryName(file.name)}`;
    if (!this.filesWritten.has(file.id)) {
      this.filesWritten.add(file.id);
      await this.zip.add(entry, await this.parts.storage.read(file.storageKey), this.now);
      this.progress.counts.files++;
    }
    const extension = /\.([a-z0-9]{1,10})$/i.exec(file.name)?.[1]?.toLowerCase();
    return {
      id,
      name: file.name,
      title: file.name,
      mimetype: file.contentType,
      filetype: extension ?? 'binary',
      size: Number(file.size),
      mode: 'hosted',
      url_private: entry,
    };
  }

  /** Saves how far the export is (extending its lease); told to its owner at most once a second. */
  private async save(announce: boolean): Promise<void> {
    await this.parts.db.transaction(async () => {
      const row = await this.parts.repository.checkpoint(
        this.job.id,
        this.lease.owner,
        this.progress,
        this.lease.until(),
      );
      if (!row) throw new ExportStopped();
      const now = this.parts.clock.now();
      if (announce || now - this.lastAnnounced >= 1000) {
        this.lastAnnounced = now;
        await this.parts.events.append('export.progress', toExportView(row));
      }
    });
  }
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value, null, 4));

function groupBy<T extends { messageId: string }>(items: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.messageId, [...(groups.get(item.messageId) ?? []), item]);
  return groups;
}
