import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { coalesced } from '../common/coalesced';
import { LOGGER } from '../common/logger';
import { ChannelsService } from '../channels/channels.service';
import type { StreamEvents } from '../events/event-catalogue';
import { EventBus } from '../events/event-bus';
import { EventFeed } from '../events/event-feed';
import { EventsRepository, StoredEvent } from '../events/events.repository';
import { IDLE_CURSOR_EVENTS, Subscriber, SubscriberDirectory } from '../events/subscriber-directory';
import { audienceOf, canSee } from '../realtime/audience';
import { PluginCatalogue } from './plugin-catalogue';
import { PluginHost } from './plugin-host';
import { InstallRow, PluginsRepository } from './plugins.repository';
import { Metrics } from '../metrics/metrics';

const BATCH = 20;
/** Longer than a batch can take (20 events × the largest per-event time limit). */
const LEASE_SECONDS = 660;

/**
 * Hands events to subscribed plugins from each install's durable cursor: at least once, in seq order, only
 * events of the install's workspace that its bot may read (public channels and channels it was added to),
 * plus, with `permissions.messages.addressed`, new messages that mention someone or are in a DM.
 * An install is leased while a batch is delivered (no transaction stays open while plugin code runs), so
 * instances never deliver to it at once; after a crash, delivery resumes from the cursor when the lease ends.
 *
 * The instance's directory of enabled installs (kept current through the feed) says which install may want
 * which event, so events no install subscribed to cost no query. Cursors lag over such events and are moved
 * past them in one statement every IDLE_CURSOR_EVENTS events; an install that may want an event is delivered
 * to from wherever its cursor is, so a crash never loses an event.
 */
@Injectable()
export class PluginDelivery implements OnApplicationBootstrap {
  private readonly directory: SubscriberDirectory<Subscriber>;
  /** Per install, the last seq seen that it may want and no delivery of this instance has covered yet. */
  private readonly due = new Map<string, bigint>();
  /**
   * Every enabled install is due: at start (a previous run may have left events behind their cursors), and
   * after the directory could not be read.
   */
  private allDue = true;
  /** Up to where this instance last moved idle installs' cursors. */
  private written = 0n;
  /** The last seq the feed handed over: deliveries read up to it, all committed and judged. */
  private seen = 0n;

  constructor(
    private readonly bus: EventBus,
    private readonly feed: EventFeed,
    private readonly events: EventsRepository,
    private readonly repository: PluginsRepository,
    private readonly host: PluginHost,
    private readonly catalogue: PluginCatalogue,
    private readonly channels: ChannelsService,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    metrics.readGauge(
      'plugin_delivery_backlog_events',
      'Committed events the furthest-behind enabled plugin install has not been handed yet',
      async () => {
        const oldest = await repository.oldestEnabledCursor();
        return oldest === undefined ? 0 : Number(BigInt(await events.maxSeq()) - BigInt(oldest));
      },
      'max',
    );
    this.directory = new SubscriberDirectory(
      (event) =>
        event.type === 'plugin_installs.changed'
          ? (event.data as StreamEvents['plugin_installs.changed']).ofWorkspace
          : undefined,
      async (workspaceId) =>
        (await this.repository.enabledInstalls(workspaceId)).map((install) => ({
          id: install.id,
          workspaceId: install.workspaceId,
          // The manifest as the catalogue has it now: an upload can change what the plugin subscribes to.
          wants: (type: string) => this.subscriptions(install).includes(type),
        })),
    );
  }

  onApplicationBootstrap(): void {
    this.feed.subscribe(async (events) => {
      const { wanted, failed } = await this.directory.sort(events);
      this.seen = BigInt(events.at(-1)?.seq ?? this.feed.seq);
      if (failed) {
        this.logger.warn({ err: failed }, 'could not read the enabled plugin installs; delivering to all');
        this.allDue = true;
      }
      for (const [installId, seq] of wanted) {
        if (BigInt(seq) > (this.due.get(installId) ?? 0n)) this.due.set(installId, BigInt(seq));
      }
      if (this.allDue || this.due.size > 0 || this.seen - this.written >= IDLE_CURSOR_EVENTS) this.wake();
    });
  }

  /**
   * Delivers what is waiting to the installs that may want it, and moves idle cursors on when enough went by;
   * safe to call at any time. An install leased elsewhere, or an error, is retried on the next batch or poll
   * of the feed.
   */
  readonly wake = coalesced(
    async () => {
      if (this.allDue) {
        const horizon = this.seen;
        for (const install of await this.repository.enabledInstalls()) {
          if (this.subscriptions(install).length > 0) this.due.set(install.id, horizon);
        }
        this.allDue = false;
      }
      let more = false;
      for (const [installId, dueSeq] of [...this.due]) {
        const { outcome, horizon } = await this.deliverBatch(installId);
        if (outcome === 'more') more = true;
        else if (outcome === 'gone' || (outcome === 'done' && dueSeq <= horizon)) {
          if (this.due.get(installId) === dueSeq) this.due.delete(installId);
        }
      }
      if (more) return this.wake();
      const horizon = this.seen;
      if (horizon - this.written >= IDLE_CURSOR_EVENTS) {
        const idle = this.directory.all().filter((install) => !this.due.has(install.id));
        await this.repository.advanceIdleCursors(
          idle.map((install) => install.id),
          horizon.toString(),
        );
        this.written = horizon;
      }
    },
    (error) => this.logger.error({ err: error }, 'plugin event delivery failed; retrying on the next event'),
  );

  /**
   * Delivers one batch to one install: whether more may be waiting, its cursor reached `horizon`, another
   * instance holds it, or it is no longer enabled.
   */
  private async deliverBatch(
    installId: string,
  ): Promise<{ outcome: 'more' | 'done' | 'busy' | 'gone'; horizon: bigint }> {
    const horizon = this.seen.toString();
    const install = await this.repository.leaseForDelivery(installId, this.bus.instanceId, LEASE_SECONDS);
    if (!install) {
      const enabled = (await this.repository.findInstallById(installId))?.enabled === true;
      return { outcome: enabled ? 'busy' : 'gone', horizon: BigInt(horizon) };
    }
    try {
      return { outcome: await this.deliverLeased(install, horizon), horizon: BigInt(horizon) };
    } finally {
      await this.repository.releaseLease(install.id, this.bus.instanceId);
    }
  }

  private async deliverLeased(install: InstallRow, horizon: string): Promise<'more' | 'done' | 'gone'> {
    const subscribed = this.subscriptions(install);
    if (subscribed.length === 0 || BigInt(install.cursorSeq) >= BigInt(horizon)) return 'done';
    // Only what the install subscribed to in its workspace: the cursor skips the rest in one move.
    const batch = await this.events.readRange(install.cursorSeq, horizon, BATCH, {
      workspaceId: install.workspaceId,
      types: subscribed,
    });
    if (batch.length > 0) {
      const scope = await this.channels.scopeIn(install.workspaceId, install.botUserId);
      const addressed = this.host.manifestOf(install)?.permissions?.messages?.addressed === true;
      for (const event of batch) {
        if (scope && (canSee(audienceOf(event), scope) || (addressed && (await this.isAddressed(event))))) {
          await this.host.invoke(install, 'event', event.type, event.data);
          if (!(await this.stillEnabled(install))) return 'gone';
        }
        // At least once: the cursor moves only after the plugin had the event.
        await this.repository.advanceCursor(install.id, event.seq);
      }
    }
    if (batch.length === BATCH) return 'more';
    if (batch.at(-1)?.seq !== horizon) await this.repository.advanceCursor(install.id, horizon);
    return 'done';
  }

  private subscriptions(install: Pick<InstallRow, 'pluginId'>): string[] {
    return this.catalogue.get(install.pluginId)?.manifest.permissions?.events ?? [];
  }

  /** A new message that mentions someone or is in a direct conversation (`permissions.messages.addressed`). */
  private async isAddressed(event: StoredEvent): Promise<boolean> {
    if (event.type !== 'message.created' || !event.workspaceId || !event.channelId) return false;
    const { mentions } = event.data as { mentions?: string[] };
    if (mentions?.length) return true;
    return (await this.channels.findDirect(event.workspaceId, event.channelId)) !== undefined;
  }

  private async stillEnabled(install: InstallRow): Promise<boolean> {
    return (await this.repository.findInstallById(install.id))?.enabled === true;
  }
}
