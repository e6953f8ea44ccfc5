import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { ChannelRow } from '../channels/channels.repository';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { EventFeed } from '../events/event-feed';
import { EventsRepository, StoredEvent } from '../events/events.repository';
import type { Role } from '../workspaces/workspaces.schemas';
import { MembershipsRepository } from './memberships.repository';

/** A channel as access checks and realtime audiences need it. */
export interface CachedChannel {
  readonly channel: ChannelRow;
  readonly memberIds: ReadonlySet<string>;
}

/** A workspace's members by user id, with their roles. */
export type WorkspaceRoles = ReadonlyMap<string, Role>;

type Entry =
  | { kind: 'channel'; channel: ChannelRow; memberIds: Set<string> }
  | { kind: 'workspace'; roles: Map<string, Role> };

const channelKey = (channelId: string) => `channel:${channelId}`;
const workspaceKey = (workspaceId: string) => `workspace:${workspaceId}`;

/**
 * The entry an event changes, if it changes one, and what in it: a member, or the channel row (''). The
 * changes of one member (or one channel row) lock the same row, so their events commit in seq order.
 */
function targetOf(event: StoredEvent): { key: string; subject: string } | undefined {
  const { userId } = event.data as { userId?: string };
  if (event.type.startsWith('channel.') && event.channelId) {
    return { key: channelKey(event.channelId), subject: event.type.includes('member_') ? userId! : '' };
  }
  if (event.type.startsWith('workspace.member_') && event.workspaceId) {
    return { key: workspaceKey(event.workspaceId), subject: userId! };
  }
  return undefined;
}

/**
 * Channels (their row and members) and workspaces (their members' roles) in this instance's memory, loaded
 * when first asked for, so a channel access check or an event's audience costs no query once loaded.
 * Kept current by the events that change them:
 * - from the event feed, in seq order, before any consumer subscribed later (the realtime gateway) sees the
 *   batch: a member removed by an event is no longer one for that batch's events, nor for anything after;
 * - on the instance that commits the change, at commit, before its request is answered. Until the feed has
 *   passed that event, older events of the same member (or channel row) it delivers are skipped: they
 *   committed before this change, which already reflects them.
 * A load that an event overtook is answered but not kept. Other instances follow within a feed wake-up
 * (NOTIFY/NATS at commit, else EVENT_POLL_INTERVAL_MS); MEMBERSHIP_CACHE_TTL_SECONDS bounds how long an
 * entry is trusted should the feed stall.
 */
@Injectable()
export class MembershipCache implements OnModuleInit {
  private readonly entries: LRUCache<string, Entry>;
  /** Loads under way, shared by concurrent askers; an event for the key takes its load out of here. */
  private readonly loading = new Map<string, Promise<Entry | undefined>>();
  /** Members (and channel rows) changed by a commit of this instance, with its seq, until the feed passes it. */
  private readonly committedHere = new Map<string, bigint>();

  constructor(
    private readonly repository: MembershipsRepository,
    private readonly events: EventsRepository,
    private readonly feed: EventFeed,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.entries = new LRUCache({
      maxSize: config.membershipCacheMaxMembers,
      sizeCalculation: (entry) => 1 + (entry.kind === 'channel' ? entry.memberIds.size : entry.roles.size),
      ttl: config.membershipCacheTtlSeconds * 1000,
    });
  }

  onModuleInit(): void {
    this.events.onCommitted((event) => this.apply(event, true));
    this.feed.subscribe((events) => {
      events.forEach((event) => this.apply(event, false));
      if (events.length > 0) this.settle(BigInt(events[events.length - 1].seq));
      return Promise.resolve();
    });
  }

  /** The channel with its members; undefined when there is no such channel. */
  async channel(channelId: string): Promise<CachedChannel | undefined> {
    const entry = await this.entry(channelKey(channelId), async () => {
      const found = await this.repository.channelWithMembers(channelId);
      if (!found) return undefined;
      const { memberIds, ...channel } = found;
      return { kind: 'channel', channel, memberIds: new Set(memberIds) };
    });
    return entry?.kind === 'channel' ? entry : undefined;
  }

  /** The workspace's members and their roles (empty for an unknown workspace). */
  async workspaceRoles(workspaceId: string): Promise<WorkspaceRoles> {
    const entry = await this.entry(workspaceKey(workspaceId), async () => {
      const rows = await this.repository.workspaceRoles(workspaceId);
      return { kind: 'workspace', roles: new Map(rows.map((row) => [row.userId, row.role])) };
    });
    return entry?.kind === 'workspace' ? entry.roles : new Map();
  }

  private async entry(key: string, load: () => Promise<Entry | undefined>): Promise<Entry | undefined> {
    const cached = this.entries.get(key);
    if (cached) return cached;
    let loading = this.loading.get(key);
    if (!loading) {
      const started = load();
      loading = started;
      this.loading.set(key, started);
      const done = (entry?: Entry) => {
        // Kept only if no event for the key came in meanwhile: the rows read may predate it.
        if (this.loading.get(key) !== started) return;
        this.loading.delete(key);
        if (entry) this.entries.set(key, entry);
      };
      started.then(done, () => done());
    }
    return await loading;
  }

  private settle(through: bigint): void {
    for (const [subject, seq] of this.committedHere) if (seq <= through) this.committedHere.delete(subject);
  }

  /**
   * Applies an event (`here`: at its commit on this instance) to the entry it changes, if that entry is
   * loaded; skipped when a newer change of the same member committed here already holds.
   */
  private apply(event: StoredEvent, here: boolean): void {
    const target = targetOf(event);
    if (!target) return;
    this.loading.delete(target.key);
    const subject = `${target.key}/${target.subject}`;
    const seq = BigInt(event.seq);
    if ((this.committedHere.get(subject) ?? 0n) > seq) return;
    if (here) this.committedHere.set(subject, seq);
    const entry = this.entries.peek(target.key);
    if (entry?.kind === 'channel') {
      switch (event.type) {
        case 'channel.updated':
        case 'channel.archived': {
          const { name, topic, archived } = (event as StoredEvent<'channel.updated'>).data;
          entry.channel = { ...entry.channel, name, topic, archived };
          break;
        }
        case 'channel.member_joined':
          entry.memberIds.add((event as StoredEvent<'channel.member_joined'>).data.userId);
          break;
        case 'channel.member_left':
          entry.memberIds.delete((event as StoredEvent<'channel.member_left'>).data.userId);
          break;
      }
    } else if (entry?.kind === 'workspace') {
      const { userId, role } = (event as StoredEvent<'workspace.member_joined'>).data;
      if (event.type === 'workspace.member_left') entry.roles.delete(userId);
      else entry.roles.set(userId, role);
    }
  }
}
