import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger';
import { Database } from '../database/database';
import { EventFeed } from '../events/event-feed';
import { EventsRepository } from '../events/events.repository';
import { audienceOf, canSee } from '../realtime/audience';
import { PluginHost } from './plugin-host';
import { InstallRow, PluginsRepository } from './plugins.repository';

const BATCH = 50;

/**
 * Hands events to subscribed plugins from each install's durable cursor: at least once, in seq order, only
 * events of the install's workspace that its bot may read (public channels and channels it was added to).
 * An install is claimed with a row lock while a batch is delivered, so instances never deliver it twice at
 * once; after a crash, delivery resumes from the cursor.
 */
@Injectable()
export class PluginDelivery implements OnApplicationBootstrap {
  private running = false;
  private again = false;

  constructor(
    private readonly db: Database,
    private readonly feed: EventFeed,
    private readonly events: EventsRepository,
    private readonly repository: PluginsRepository,
    private readonly host: PluginHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    // The feed only signals; delivery reads the table from each install's own cursor.
    this.feed.subscribe(() => {
      this.wake();
      return Promise.resolve();
    });
  }

  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void (async () => {
      try {
        do {
          this.again = false;
          for (const install of await this.repository.enabledInstalls()) {
            if (await this.deliverBatch(install.id)) this.again = true;
          }
        } while (this.again);
      } catch (error) {
        this.logger.error({ err: error }, 'plugin event delivery failed; retrying on the next event');
      } finally {
        this.running = false;
      }
    })();
  }

  /** Delivers one batch to one install; true when more may be waiting. */
  private deliverBatch(installId: string): Promise<boolean> {
    return this.db.transaction(async () => {
      const install = await this.repository.claimForDelivery(installId);
      if (!install) return false;
      const subscribed = new Set<string>(this.host.manifestOf(install)?.permissions?.events ?? []);
      const horizon = this.feed.seq;
      if (subscribed.size === 0 || BigInt(install.cursorSeq) >= BigInt(horizon)) return false;
      const batch = await this.events.readRange(install.cursorSeq, horizon, BATCH);
      const scope = await this.repository.botScope(install.workspaceId, install.botUserId);
      for (const event of batch) {
        if (
          event.workspaceId === install.workspaceId &&
          subscribed.has(event.type) &&
          canSee(audienceOf(event), scope)
        ) {
          await this.host.invoke(install, 'event', event.type, event.data);
          if (!(await this.stillEnabled(install))) return false;
        }
        await this.repository.advanceCursor(install.id, event.seq);
      }
      return batch.length === BATCH;
    });
  }

  private async stillEnabled(install: InstallRow): Promise<boolean> {
    return (await this.repository.findInstallById(install.id))?.enabled === true;
  }
}
