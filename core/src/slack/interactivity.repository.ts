import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';

/** An installed app as interactivity needs it: where its payloads go and how they are signed. */
export interface InteractiveApp {
  appId: string;
  installId: string;
  workspaceId: string;
  botUserId: string;
  clientId: string;
  signingSecret: string;
  interactivityUrl: string | null;
}

/** Who answers a trigger's or a view's interactions: an app, or a plugin install (the other is null). */
export interface InteractionOwner {
  appId: string | null;
  pluginInstallId: string | null;
}

export interface TriggerRow extends InteractionOwner {
  userId: string;
  workspaceId: string;
  expiresAt: Date;
}

export interface ViewRow extends InteractionOwner {
  id: string;
  rootId: string;
  depth: number;
  botUserId: string;
  userId: string;
  workspaceId: string;
  view: Record<string, unknown>;
  hash: string;
}

/** Trigger ids and open modals (Slack's views), and the apps they belong to. */
@Injectable()
export class InteractivityRepository {
  constructor(private readonly db: Database) {}

  /** The app whose bot user this is, through its install. */
  async appOfBot(botUserId: string): Promise<InteractiveApp | undefined> {
    return await this.db
      .conn('appInstalls as i')
      .join('apps as a', 'a.id', 'i.appId')
      .where('i.botUserId', botUserId)
      .first<InteractiveApp | undefined>(
        'a.id as appId',
        'i.id as installId',
        'i.workspaceId',
        'i.botUserId',
        'a.clientId',
        'a.signingSecret',
        'a.slackInteractivityUrl as interactivityUrl',
      );
  }

  async insertTrigger(row: TriggerRow & { tokenHash: Buffer }): Promise<void> {
    await this.db.conn('slackTriggers').insert(row);
  }

  /** Takes a trigger of this owner: gone once used, whether or not it was still in time. */
  async takeTrigger(tokenHash: Buffer, owner: InteractionOwner): Promise<TriggerRow | undefined> {
    const [row] = await this.db
      .conn('slackTriggers')
      .where({ tokenHash, appId: owner.appId, pluginInstallId: owner.pluginInstallId })
      .delete()
      .returning<TriggerRow[]>(['appId', 'pluginInstallId', 'userId', 'workspaceId', 'expiresAt']);
    return row;
  }

  async deleteExpiredTriggers(now: Date): Promise<void> {
    await this.db.conn('slackTriggers').where('expiresAt', '<=', now).delete();
  }

  async insertView(row: ViewRow): Promise<void> {
    await this.db.conn('slackViews').insert({ ...row, view: JSON.stringify(row.view) });
  }

  async view(id: string): Promise<ViewRow | undefined> {
    return await this.db.conn('slackViews').where({ id }).first<ViewRow | undefined>();
  }

  /** The view shown for a modal: the top of its stack. */
  async topView(rootId: string): Promise<ViewRow | undefined> {
    return await this.db
      .conn('slackViews')
      .where({ rootId })
      .orderBy('depth', 'desc')
      .first<ViewRow | undefined>();
  }

  async replaceView(id: string, view: Record<string, unknown>, hash: string): Promise<void> {
    await this.db
      .conn('slackViews')
      .where({ id })
      .update({ view: JSON.stringify(view), hash });
  }

  /** Removes the views of a stack from `depth` up (0: the whole modal). */
  async deleteFrom(rootId: string, depth: number): Promise<void> {
    await this.db.conn('slackViews').where({ rootId }).where('depth', '>=', depth).delete();
  }
  async viewAt(rootId: string, depth: number): Promise<ViewRow | undefined> {
    return await this.db.conn('slackViews').where({ rootId, depth }).first<ViewRow | undefined>();
  }

  /** The top view of the modal this app most recently opened for this person (views.push stacks on it). */
  async topOpenView(appId: string, userId: string): Promise<ViewRow | undefined> {
    return await this.db
      .conn('slackViews')
      .where({ appId, userId })
      .orderBy([
        { column: 'createdAt', order: 'desc' },
        { column: 'depth', order: 'desc' },
      ])
      .first<ViewRow | undefined>();
  }
}
