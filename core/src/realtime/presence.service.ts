import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { Clock } from '../common/clock';
import { LOGGER } from '../common/logger';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import type { EphemeralMessage } from '../events/cluster-transport';
import { EventBus } from '../events/event-bus';
import { HEARTBEAT_MS, PresenceBook } from './presence';
import { RealtimeSockets } from './realtime-sockets';
import { RealtimeRepository } from './realtime.repository';
import type { PresenceStatus } from './realtime.schemas';
import { Timers } from '../common/timers';

const PRESENCE_FLUSH_MS = 250;
/** Statuses per ephemeral message to the other instances. */
const STATUSES_PER_MESSAGE = 50;

/**
 * Who is online, away or offline: from this instance's sockets and the other instances' reports, told to the
 * other instances and to each workspace's connected members as it changes.
 */
@Injectable()
export class PresenceService
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly book = new PresenceBook((userId) => this.localStatus(userId));
  private flushTimer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly sockets: RealtimeSockets,
    private readonly bus: EventBus,
    private readonly repository: RealtimeRepository,
    private readonly clock: Clock,
    private readonly timers: Timers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.bus.onEphemeral((message) => {
      if (message.kind === 'presence') void this.onRemote(message);
    });
    this.timers.every(HEARTBEAT_MS, () => void this.refresh(true));
    this.timers.every(Math.min(this.config.awayAfterMs / 4, 15_000), () => void this.refresh(false));
  }

  beforeApplicationShutdown(): void {
    clearTimeout(this.flushTimer);
    this.stopping = true;
  }

  onApplicationShutdown(): void {
    clearTimeout(this.flushTimer);
  }

  /** Statuses of the given users as this instance knows them (its sockets and the other instances' reports). */
  statuses(userIds: string[]): { userId: string; status: PresenceStatus }[] {
    return userIds.map((userId) => ({ userId, status: this.book.status(userId, this.clock.now()) }));
  }

  /** A socket opened or closed, or went away or back: connects and disconnects in a burst are announced together. */
  changed(): void {
    if (this.stopping) return;
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.refresh(false);
    }, PRESENCE_FLUSH_MS);
  }

  private async onRemote(message: EphemeralMessage): Promise<void> {
    try {
      const changed = (message.statuses as [string, PresenceStatus][])
        .filter(([userId, status]) => this.book.applyRemote(message.origin, userId, status, this.clock.now()))
        .map(([userId]) => userId);
      await this.announce(changed);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not handle an ephemeral message');
    }
  }

  /** Tells the other instances what changed here (or, as a heartbeat, everything) and tells local colleagues. */
  private async refresh(heartbeat: boolean): Promise<void> {
    const changes = this.book.localChanges(
      new Set([...this.sockets.userIds(), ...this.book.publishedStatuses().map(([u]) => u)]),
    );
    const statuses = heartbeat ? this.book.publishedStatuses() : changes;
    for (let i = 0; i < statuses.length; i += STATUSES_PER_MESSAGE) {
      this.bus.publishEphemeral({ kind: 'presence', statuses: statuses.slice(i, i + STATUSES_PER_MESSAGE) });
    }
    const expired = this.book.expire(this.clock.now());
    await this.announce([...new Set([...changes.map(([userId]) => userId), ...expired])]).catch(
      (error: unknown) => this.logger.warn({ err: error }, 'could not announce presence'),
    );
  }

  /**
   * One frame per workspace listing the changed statuses of its members, sent to its connected members:
   * a thousand people coming online cost a handful of frames per socket, not one per person.
   */
  private async announce(userIds: string[]): Promise<void> {
    if (userIds.length === 0 || this.sockets.isEmpty) return;
    const changed = new Set(userIds);
    const memberships = await this.repository.memberships([
      ...new Set([...userIds, ...this.sockets.userIds()]),
    ]);
    const byWorkspace = new Map<string, string[]>();
    for (const { workspaceId, userId } of memberships) {
      byWorkspace.set(workspaceId, [...(byWorkspace.get(workspaceId) ?? []), userId]);
    }
    for (const members of byWorkspace.values()) {
      const statuses = members
        .filter((userId) => changed.has(userId))
        .map((userId) => ({ userId, status: this.book.status(userId, this.clock.now()) }));
      if (statuses.length === 0) continue;
      const frame = JSON.stringify({ type: 'presence', statuses });
      for (const viewer of members) this.sockets.sendToUser(viewer, frame, true);
    }
  }

  private localStatus(userId: string): PresenceStatus {
    if (this.sockets.count(userId) === 0) return 'offline';
    const now = this.clock.now();
    for (const client of this.sockets.of(userId))
      if (!client.away && now - client.lastActivity < this.config.awayAfterMs) return 'online';
    return 'away';
  }
}
