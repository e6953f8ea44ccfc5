import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { AppCommand } from './apps.schemas';

export interface AppRow {
  id: string;
  workspaceId: string;
  createdBy: string;
  name: string;
  clientId: string;
  clientSecretHash: Buffer;
  signingSecret: string;
  redirectUris: string[];
  scopes: string[];
  commands: AppCommand[];
  eventsUrl: string | null;
  events: string[];
  createdAt: Date;
}

export interface InstallRow {
  id: string;
  appId: string;
  workspaceId: string;
  botUserId: string;
  scopes: string[];
  installedBy: string;
  createdAt: Date;
}

/** The only access to apps and their installs. */
@Injectable()
export class AppsRepository {
  constructor(private readonly db: Database) {}

  async insert(row: Omit<AppRow, 'createdAt'>): Promise<AppRow> {
    const [created] = await this.db
      .conn('apps')
      .insert({ ...row, commands: JSON.stringify(row.commands) })
      .returning<AppRow[]>('*');
    return created;
  }

  async find(workspaceId: string, id: string): Promise<AppRow | undefined> {
    return await this.db.conn('apps').where({ workspaceId, id }).first<AppRow | undefined>();
  }

  async list(workspaceId: string): Promise<AppRow[]> {
    return await this.db.conn('apps').where({ workspaceId }).orderBy('createdAt').select<AppRow[]>();
  }

  async delete(id: string): Promise<void> {
    await this.db.conn('apps').where({ id }).delete();
  }

  async insertInstall(row: Omit<InstallRow, 'createdAt'>): Promise<InstallRow> {
    const [created] = await this.db.conn('appInstalls').insert(row).returning<InstallRow[]>('*');
    return created;
  }

  async findInstall(appId: string, workspaceId: string): Promise<InstallRow | undefined> {
    return await this.db.conn('appInstalls').where({ appId, workspaceId }).first<InstallRow | undefined>();
  }

  async installsOf(appId: string): Promise<InstallRow[]> {
    return await this.db.conn('appInstalls').where({ appId }).select<InstallRow[]>();
  }

  async deleteInstall(id: string): Promise<void> {
    await this.db.conn('appInstalls').where({ id }).delete();
  }
}
