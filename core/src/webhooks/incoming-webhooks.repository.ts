import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';

/** Everything but the token hash. */
const INCOMING_COLUMNS = [
  'id',
  'workspaceId',
  'channelId',
  'botUserId',
  'createdBy',
  'name',
  'createdAt',
] as const;

export interface IncomingWebhookRow {
  id: string;
  workspaceId: string;
  channelId: string;
  botUserId: string;
  createdBy: string;
  name: string;
  createdAt: Date;
}

/** Incoming webhooks: a channel's secret URLs that post as their bot. */
@Injectable()
export class IncomingWebhooksRepository {
  constructor(private readonly db: Database) {}

  async insert(row: IncomingWebhookRow & { tokenHash: Buffer }): Promise<IncomingWebhookRow> {
    const [created] = await this.db
      .conn('incomingWebhooks')
      .insert(row)
      .returning<IncomingWebhookRow[]>([...INCOMING_COLUMNS]);
    return created;
  }

  async listInChannel(channelId: string): Promise<IncomingWebhookRow[]> {
    return await this.db
      .conn('incomingWebhooks')
      .where({ channelId })
      .orderBy('createdAt')
      .select<IncomingWebhookRow[]>(...INCOMING_COLUMNS);
  }

  async listInWorkspace(workspaceId: string): Promise<IncomingWebhookRow[]> {
    return await this.db
      .conn('incomingWebhooks')
      .where({ workspaceId })
      .orderBy('createdAt')
      .select<IncomingWebhookRow[]>(...INCOMING_COLUMNS);
  }

  /** A new secret URL: the previous token stops working with this statement. */
  async replaceToken(id: string, tokenHash: Buffer): Promise<IncomingWebhookRow | undefined> {
    const [updated] = await this.db
      .conn('incomingWebhooks')
      .where({ id })
      .update({ tokenHash })
      .returning<IncomingWebhookRow[]>([...INCOMING_COLUMNS]);
    return updated;
  }

  async find(id: string): Promise<IncomingWebhookRow | undefined> {
    return await this.db
      .conn('incomingWebhooks')
      .where({ id })
      .first<IncomingWebhookRow | undefined>(...INCOMING_COLUMNS);
  }

  async delete(id: string): Promise<void> {
    await this.db.conn('incomingWebhooks').where({ id }).delete();
  }

  async findByToken(tokenHash: Buffer): Promise<IncomingWebhookRow | undefined> {
    return await this.db
      .conn('incomingWebhooks')
      .where({ tokenHash })
      .first<IncomingWebhookRow | undefined>(...INCOMING_COLUMNS);
  }
}
