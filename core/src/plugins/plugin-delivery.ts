import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { coalesced } from '../common/coalesced';
import { LOGGER } from '../common/logger';
import { ChannelsService } from '../channels/channels.service';
import { EventBus } from '../events/event-bus';
import { EventFeed } from '../events/event-feed';
import { EventsRepository, StoredEvent } from '../events/events.repository';
import { audienceOf, canSee } from '../realtime/audience';
import { PluginHost } from './plugin-host';
import { InstallRow, PluginsRepository } from './plugins.repository';

const BATCH = 20;
/** Longer than a batch can take (20 events × the largest per-event time limit). */
const LEASE_SECONDS = 660;

/**
 * Hands events to subscribed plugins from each install's durable cursor: at least once, in seq order, only
 * events of the install's workspace that its bot may read (public channels and channels it was added to),
 * plus, with `permissions.messages.addressed`, new messages that mention someone or are in a DM.
 * An install is leased while a batch is delivered (no transaction stays open while plugin code runs), so
 * instances never deliver to it at once; after a crash, delivery resumes from the cursor when the lease ends.
 */
@Injectable()
export class PluginDelivery implements OnApplicationBootstrap {
  constructor(
    private readonly bus: EventBus,
    private readonly feed: EventFeed,
    private readonly events: EventsRepository,
    private readonly repository: PluginsRepository,
    private readonly host: PluginHost,
    private readonly channels: ChannelsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    // The feed only signals; delivery reads the table from each install's own cursor.
    this.feed.subscribe(() => {
      this.wake();
      return Promise.resolve();
    });
  }

  /** Delivers what is waiting, install by install; safe to call at any time. */
  readonly wake = coalesced(
    async () => {
      for (const install of await this.repository.enabledInstalls()) {
        // Installs that subscribe to nothing cost no transaction.
        if (!this.host.manifestOf(install)?.permissions?.events?.length) continue;
        if (await this.deliverBatch(install.id)) this.wake();
      }
    },
    (error) => this.logger.error({ err: error }, 'plugin event delivery failed; retrying on the next event'),
  );

  /** Delivers one batch to one install; true when more may be waiting. */
  private async deliverBatch(installId: string): Promise<boolean> {
    const install = await this.repository.leaseForDelivery(installId, this.bus.instanceId, LEASE_SECONDS);
    if (!install) return false;
    try {
      const subscribed = new Set<string>(this.host.manifestOf(install)?.permissions?.events ?? []);
      const horizon = this.feed.seq;
      if (subscribed.size === 0 || BigInt(install.cursorSeq) >= BigInt(horizon)) return false;
      const batch = await this.events.readRange(install.cursorSeq, horizon, BATCH);
      const scope = await this.channels.scopeIn(install.workspaceId, install.botUserId);
      const addressed = this.host.manifestOf(install)?.permissions?.messages?.addressed === true;
      for (const event of batch) {
        if (
          scope &&
          event.workspaceId === install.workspaceId &&
          subscribed.has(event.type) &&
          (canSee(audienceOf(event), scope) || (addressed && (await this.isAddressed(event))))
        ) {
          await this.host.invoke(install, 'event', event.type, event.data);
          if (!(await this.stillEnabled(install))) return false;
        }
        // At least once: the cursor moves only after the plugin had the event.
        await this.repository.advanceCursor(install.id, event.seq);
      }
      return batch.length === BATCH;
    } finally {
      await this.repository.releaseLease(install.id, this.bus.instanceId);
    }
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
