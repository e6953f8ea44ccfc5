import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { Clock } from '../common/clock';
import { LOGGER } from '../common/logger';
import { Timers } from '../common/timers';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { ClusterTransport, EphemeralMessage, NatsTransport, PostgresTransport } from './cluster-transport';
import { EventsRepository, StoredEvent } from './events.repository';
import { NotifyRepository } from './notify.repository';

/**
 * Publishes committed events as a wake-up for every instance's event feed (in-process consumers subscribe
 * to the feed, which hands them events in order), locally at once and to the others through LISTEN/NOTIFY or NATS. It also
 * carries ephemeral messages (typing, presence) between instances.
 */
@Injectable()
export class EventBus implements OnModuleInit, OnApplicationShutdown {
  readonly instanceId = randomUUID();
  private readonly transport: ClusterTransport;
  private readonly wakeListeners: (() => void)[] = [];
  private readonly commitListeners: ((events: StoredEvent[]) => void)[] = [];
  private readonly ephemeralListeners: ((message: EphemeralMessage) => void)[] = [];
  /** This instance's commits of the current tick, announced together. */
  private burst?: StoredEvent[];

  constructor(
    private readonly repository: EventsRepository,
    notifications: NotifyRepository,
    clock: Clock,
    timers: Timers,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.transport = config.natsUrl
      ? new NatsTransport(config.natsUrl, config.natsSubjectPrefix, logger)
      : new PostgresTransport(
          notifications,
          clock,
          timers,
          logger,
          this.instanceId,
          config.dbConnectTimeoutMs,
        );
  }

  async onModuleInit(): Promise<void> {
    this.repository.onCommitted((event) => this.committed(event));
    await this.transport.start({
      wake: () => this.wakeListeners.forEach((listener) => listener()),
      committed: (events) => this.commitListeners.forEach((listener) => listener(events)),
      ephemeral: (message) => {
        if (message.origin !== this.instanceId)
          this.ephemeralListeners.forEach((listener) => listener(message));
      },
    });
    this.logger.info({ transport: this.transport.name, instanceId: this.instanceId }, 'event bus started');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }

  /** Events may have been committed that only the table knows of: read it. */
  onWake(listener: () => void): void {
    this.wakeListeners.push(listener);
  }

  /** Events known to be committed, in seq order (this instance's, or another's carried by its wake-up). */
  onCommitted(listener: (events: StoredEvent[]) => void): void {
    this.commitListeners.push(listener);
  }

  onEphemeral(listener: (message: EphemeralMessage) => void): void {
    this.ephemeralListeners.push(listener);
  }

  /** To every other instance; with `alsoHere`, to this instance's listeners as well. */
  publishEphemeral(message: Omit<EphemeralMessage, 'origin'>, alsoHere = false): void {
    const stamped = { ...message, origin: this.instanceId } as EphemeralMessage;
    this.transport.publishEphemeral(stamped);
    if (alsoHere) this.ephemeralListeners.forEach((listener) => listener(stamped));
  }

  private committed(event: StoredEvent): void {
    // One announcement per burst of commits, not one per event.
    if (this.burst) {
      this.burst.push(event);
      return;
    }
    this.burst = [event];
    queueMicrotask(() => {
      const events = this.burst!;
      this.burst = undefined;
      this.commitListeners.forEach((listener) => listener(events));
      this.transport.committed(events);
    });
  }
}
