import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import { Clock } from '../common/clock';
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
  slackEventsUrl: string | null;
  slackEvents: string[];
  slackInteractivityUrl: string | null;
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

/** An installed app's commands in a workspace, with what is needed to call it. */
export interface InstalledCommands {
  installId: string;
  appId: string;
  appName: string;
  botUserId: string;
  signingSecret: string;
  commands: AppCommand[];
}

export interface CommandResponseRow {
  installId: string;
  botUserId: string;
  userId: string;
  channelId: string;
  threadId: string | null;
  /** The message a block action was on, which the app may replace or delete through the URL. */
  messageId?: string | null;
}

export interface OAuthCodeRow {
  id: string;
  appId: string;
  userId: string;
  workspaceId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  expiresAt: Date;
  usedAt?: Date | null;
  installId?: string | null;
}

export interface RefreshTokenRow {
  id: string;
  installId: string;
  familyId: string;
  scopes: string[];
  expiresAt: Date;
  usedAt?: Date | null;
  revokedAt?: Date | null;
}

/** The only access to apps and their installs. */
@Injectable()
export class AppsRepository {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

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

  async findById(id: string): Promise<AppRow | undefined> {
    return await this.db.conn('apps').where({ id }).first<AppRow | undefined>();
  }

  async findByClientId(clientId: string): Promise<AppRow | undefined> {
    return await this.db.conn('apps').where({ clientId }).first<AppRow | undefined>();
  }

  async list(workspaceId: string): Promise<AppRow[]> {
    return await this.db.conn('apps').where({ workspaceId }).orderBy('createdAt').select<AppRow[]>();
  }

  async delete(id: string): Promise<void> {
    await this.db.conn('apps').where({ id }).delete();
  }

  async insertAppToken(row: {
    id: string;
    appId: string;
    tokenHash: Buffer;
    scopes: string[];
    createdBy: string;
  }): Promise<{ id: string; appId: string; scopes: string[]; createdAt: Date }> {
    const [created] = await this.db
      .conn('appTokens')
      .insert(row)
      .returning<{ id: string; appId: string; scopes: string[]; createdAt: Date }[]>([
        'id',
        'appId',
        'scopes',
        'createdAt',
      ]);
    return created;
  }

  /** Deletes one of the app's app-level tokens; false when it has no such token. */
  async deleteAppToken(appId: string, id: string): Promise<boolean> {
    return (await this.db.conn('appTokens').where({ appId, id }).delete()) > 0;
  }

  async updateSlackEvents(id: string, slackEventsUrl: string | null, slackEvents: string[]): Promise<AppRow> {
    const [row] = await this.db
      .conn('apps')
      .where({ id })
      .update({ slackEventsUrl, slackEvents })
      .returning<AppRow[]>('*');
    return row;
  }

  async insertInstall(row: Omit<InstallRow, 'createdAt'>): Promise<InstallRow> {
    const [created] = await this.db.conn('appInstalls').insert(row).returning<InstallRow[]>('*');
    return created;
  }

  async findInstall(appId: string, workspaceId: string): Promise<InstallRow | undefined> {
    return await this.db.conn('appInstalls').where({ appId, workspaceId }).first<InstallRow | undefined>();
  }

  async updateInstallScopes(id: string, scopes: string[]): Promise<InstallRow> {
    const [row] = await this.db
      .conn('appInstalls')
      .where({ id })
      .update({ scopes })
      .returning<InstallRow[]>('*');
    return row;
  }

  async findInstallById(id: string): Promise<InstallRow | undefined> {
    return await this.db.conn('appInstalls').where({ id }).first<InstallRow | undefined>();
  }

  /** The apps installed in a workspace (registered there or elsewhere), with each app's name. */
  async installsIn(workspaceId: string): Promise<(InstallRow & { appName: string })[]> {
    return await this.db
      .conn('appInstalls as i')
      .join('apps as a', 'a.id', 'i.appId')
      .where('i.workspaceId', workspaceId)
      .orderBy('i.createdAt')
      .select<(InstallRow & { appName: string })[]>('i.*', 'a.name as appName');
  }

  async installsOf(appId: string): Promise<InstallRow[]> {
    return await this.db.conn('appInstalls').where({ appId }).select<InstallRow[]>();
  }

  async deleteInstall(id: string): Promise<void> {
    await this.db.conn('appInstalls').where({ id }).delete();
  }

  /** Commands of the apps installed in a workspace with the `commands` scope. */
  async installedCommands(workspaceId: string): Promise<InstalledCommands[]> {
    return await this.db
      .conn('appInstalls as i')
      .join('apps as a', 'a.id', 'i.appId')
      .where('i.workspaceId', workspaceId)
      .whereRaw("'commands' = ANY(i.scopes)")
      .select<InstalledCommands[]>(
        'i.id as installId',
        'a.id as appId',
        'a.name as appName',
        'i.botUserId',
        'a.signingSecret',
        'a.commands',
      );
  }

  async insertCommandResponse(row: CommandResponseRow & { id: string; tokenHash: Buffer; expiresAt: Date }) {
    await this.db.conn('commandResponses').insert(row);
  }

  /**
   * Counts one use of a response URL that is still live (fewer than `maxUses`, not expired) and returns it;
   * `used up` when it exists but may not be used again, undefined when there is no such URL.
   */
  async useCommandResponse(
    tokenHash: Buffer,
    maxUses: number,
  ): Promise<CommandResponseRow | 'used up' | undefined> {
    const [row] = await this.db
      .conn('commandResponses')
      .where({ tokenHash })
      .where('uses', '<', maxUses)
      .where('expiresAt', '>', this.clock.date())
      .increment('uses', 1)
      .returning<CommandResponseRow[]>([
        'installId',
        'botUserId',
        'userId',
        'channelId',
        'threadId',
        'messageId',
      ]);
    if (row) return row;
    const exists = await this.db
      .conn('commandResponses')
      .where({ tokenHash })
      .first<{ id: string } | undefined>('id');
    return exists ? 'used up' : undefined;
  }

  async insertCode(row: OAuthCodeRow & { codeHash: Buffer }): Promise<void> {
    await this.db.conn('oauthCodes').insert(row);
  }

  async findCode(codeHash: Buffer): Promise<OAuthCodeRow | undefined> {
    return await this.db.conn('oauthCodes').where({ codeHash }).first<OAuthCodeRow | undefined>();
  }

  /** Marks a code used; false when it already was (a replay). */
  async useCode(id: string): Promise<boolean> {
    return (
      (await this.db
        .conn('oauthCodes')
        .where({ id })
        .whereNull('usedAt')
        .update({ usedAt: this.clock.date() })) > 0
    );
  }

  /** Codes not yet exchanged for an app in a workspace stop working (the app was uninstalled). */
  async expireCodes(appId: string, workspaceId: string): Promise<void> {
    await this.db
      .conn('oauthCodes')
      .where({ appId, workspaceId })
      .whereNull('usedAt')
      .update({ usedAt: this.clock.date() });
  }

  async setCodeInstall(id: string, installId: string): Promise<void> {
    await this.db.conn('oauthCodes').where({ id }).update({ installId });
  }

  async insertRefreshToken(row: RefreshTokenRow & { tokenHash: Buffer }): Promise<void> {
    await this.db.conn('oauthRefreshTokens').insert(row);
  }

  async findRefreshToken(tokenHash: Buffer): Promise<RefreshTokenRow | undefined> {
    return await this.db.conn('oauthRefreshTokens').where({ tokenHash }).first<RefreshTokenRow | undefined>();
  }

  /** Marks a refresh token used (rotated); false when it already was (a replay). */
  async useRefreshToken(id: string): Promise<boolean> {
    return (
      (await this.db
        .conn('oauthRefreshTokens')
        .where({ id })
        .whereNull('usedAt')
        .whereNull('revokedAt')
        .update({ usedAt: this.clock.date() })) > 0
    );
  }

  async revokeRefreshFamily(familyId: string): Promise<void> {
    await this.db
      .conn('oauthRefreshTokens')
      .where({ familyId })
      .whereNull('revokedAt')
      .update({ revokedAt: this.clock.date() });
  }

  async revokeInstallRefreshTokens(installId: string): Promise<void> {
    await this.db
      .conn('oauthRefreshTokens')
      .where({ installId })
      .whereNull('revokedAt')
      .update({ revokedAt: this.clock.date() });
  }
}
