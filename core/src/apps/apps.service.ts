import { AuditService } from '../audit/audit.service';
import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';
import { generateToken, hashToken } from '../auth/tokens';
import { newId } from '../common/ids';
import { badRequest, conflict, notFound } from '../common/problem';
import { Clock } from '../common/clock';
import { Database } from '../database/database';
import { isUniqueViolation } from '../database/errors';
import { EgressClient, EgressResponse } from '../egress/egress.client';
import { nativeEventsFor } from '../slack/slack-events';
import { SlackSocketMode } from '../slack/socket-mode';
import { slackEventRequest } from '../webhooks/webhook-signature';
import { WebhooksService } from '../webhooks/webhooks.service';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { AppRow, AppsRepository, InstallRow } from './apps.repository';
import type { AppView, CreateAppBody, InstalledAppView, InstallView, SlackEventsBody } from './apps.schemas';

const toAppView = (row: AppRow): AppView => ({
  id: row.id,
  workspaceId: row.workspaceId,
  name: row.name,
  clientId: row.clientId,
  redirectUris: row.redirectUris,
  scopes: row.scopes,
  commands: row.commands,
  eventsUrl: row.eventsUrl,
  events: row.events,
  slackEventsUrl: row.slackEventsUrl,
  slackEvents: row.slackEvents,
  interactivityUrl: row.slackInteractivityUrl,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
});

/** Slack gives an app 3 s to answer. */
const SLACK_ANSWER_MS = 3000;

/** The challenge in an answer to url_verification: JSON `{challenge}`, or the bare value as Slack also takes. */
function answeredChallenge(body: string): unknown {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as { challenge?: unknown }).challenge
      : parsed;
  } catch {
    return body.trim();
  }
}

const toInstallView = (row: InstallRow): InstallView => ({
  id: row.id,
  appId: row.appId,
  workspaceId: row.workspaceId,
  botUserId: row.botUserId,
  scopes: row.scopes,
  installedBy: row.installedBy,
  createdAt: row.createdAt.toISOString(),
});

/**
 * External apps: registered by a workspace's admins, installed as a bot user whose token carries only the
 * scopes granted. Uninstalling revokes every token of the install at once.
 */
@Injectable()
export class AppsService {
  constructor(
    private readonly db: Database,
    private readonly repository: AppsRepository,
    private readonly workspaces: WorkspacesService,
    private readonly auth: AuthService,
    private readonly egress: EgressClient,
    private readonly webhooks: WebhooksService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly socketMode: SlackSocketMode,
  ) {}

  /** The client secret is shown here once and kept only as a hash; the signing secret can be read again. */
  async create(workspaceId: string, userId: string, body: CreateAppBody) {
    await this.workspaces.requireAdmin(workspaceId, userId);
    for (const [index, command] of (body.commands ?? []).entries()) {
      await this.egress.assertFetchable(command.url, `commands/${index}/url`);
    }
    if (body.eventsUrl) await this.egress.assertFetchable(body.eventsUrl, 'eventsUrl');
    if (body.interactivityUrl) await this.egress.assertFetchable(body.interactivityUrl, 'interactivityUrl');
    const commands = body.commands ?? [];
    const names = commands.map((command) => command.command);
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    if (repeated) {
      throw badRequest('The request is invalid', [
        { path: 'commands', message: `${repeated} is declared twice` },
      ]);
    }
    const clientSecret = `jkcs_${randomBytes(32).toString('base64url')}`;
    const row = await this.db.transaction(async () => {
      const created = await this.repository.insert({
        id: newId(),
        workspaceId,
        createdBy: userId,
        name: body.name.trim(),
        clientId: randomBytes(16).toString('hex'),
        clientSecretHash: hashToken(clientSecret),
        signingSecret: randomBytes(32).toString('hex'),
        redirectUris: body.redirectUris,
        scopes: body.scopes,
        commands,
        eventsUrl: body.eventsUrl ?? null,
        events: body.events ?? [],
        slackEventsUrl: null,
        slackEvents: [],
        slackInteractivityUrl: body.interactivityUrl ?? null,
      });
      await this.audit.record({
        action: 'app.registered',
        workspaceId,
        target: { kind: 'app', id: created.id },
        summary: { name: created.name, scopes: created.scopes, commands: names, events: created.events },
      });
      return created;
    });
    return { ...toAppView(row), clientSecret, signingSecret: row.signingSecret };
  }

  async list(workspaceId: string, userId: string): Promise<{ items: AppView[] }> {
    await this.workspaces.requireAdmin(workspaceId, userId);
    return { items: (await this.repository.list(workspaceId)).map(toAppView) };
  }

  /** Admins see the signing secret again (they configure the app with it); never the client secret. */
  async get(workspaceId: string, appId: string, userId: string) {
    const app = await this.require(workspaceId, appId, userId);
    return { ...toAppView(app), signingSecret: app.signingSecret };
  }

  async delete(workspaceId: string, appId: string, userId: string): Promise<void> {
    const app = await this.require(workspaceId, appId, userId);
    await this.db.transaction(async () => {
      for (const install of await this.repository.installsOf(app.id)) await this.removeInstall(install);
      await this.repository.delete(app.id);
    });
  }

  /**
   * Installs the app in its own workspace, as an admin's direct grant: a bot user joins the workspace and a
   * bot token with the granted scopes (all the app asks for, or fewer) is returned once.
   */
  async install(workspaceId: string, appId: string, userId: string, scopes?: string[]) {
    const app = await this.require(workspaceId, appId, userId);
    const granted = scopes ?? app.scopes;
    const extra = granted.filter((scope) => !app.scopes.includes(scope));
    if (extra.length > 0) {
      throw badRequest('The request is invalid', [
        { path: 'scopes', message: `the app does not ask for ${extra.join(', ')}` },
      ]);
    }
    try {
      return await this.db.transaction(async () => {
        const install = await this.createInstall(app, workspaceId, userId, granted);
        const token = await this.auth.issueBotToken(install.botUserId, install.id, granted);
        return { ...toInstallView(install), token };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('The app is already installed in this workspace');
      throw error;
    }
  }

  /**
   * The install an OAuth grant acts for: the existing one of this app in this workspace (its scopes become
   * the newly granted ones), or a new one.
   */
  async installForGrant(
    appId: string,
    workspaceId: string,
    userId: string,
    scopes: string[],
  ): Promise<InstallRow> {
    const existing = await this.repository.findInstall(appId, workspaceId);
    if (existing) return await this.repository.updateInstallScopes(existing.id, scopes);
    const app = await this.repository.findById(appId);
    if (!app) throw notFound('App');
    return await this.createInstall(app, workspaceId, userId, scopes);
  }

  /** A bot member, the install, and the app's event subscription; inside the caller's transaction. */
  private async createInstall(app: AppRow, workspaceId: string, userId: string, scopes: string[]) {
    const id = newId();
    const bot = await this.auth.createBot(app.name, 'app', id);
    await this.workspaces.addBot(workspaceId, bot.id);
    const install = await this.repository.insertInstall({
      id,
      appId: app.id,
      workspaceId,
      botUserId: bot.id,
      scopes,
      installedBy: userId,
    });
    await this.recordInstall('app.installed', install, { name: app.name, scopes });
    if (app.eventsUrl && app.events.length > 0) {
      await this.webhooks.subscribeApp({
        id: install.id,
        workspaceId,
        botUserId: bot.id,
        url: app.eventsUrl,
        events: app.events,
        signingSecret: app.signingSecret,
        format: 'standard',
      });
    }
    await this.subscribeToSlackEvents(app, install);
    return install;
  }

  /**
   * Sets the app's Slack Events API request URL (verified first, as Slack does) and event types; every
   * install's Slack subscription follows at once.
   */
  async setSlackEvents(workspaceId: string, appId: string, userId: string, body: SlackEventsBody) {
    const app = await this.require(workspaceId, appId, userId);
    if (body.url) await this.verifySlackEventsUrl(body.url, app.signingSecret);
    return await this.db.transaction(async () => {
      const updated = await this.repository.updateSlackEvents(app.id, body.url, body.events ?? []);
      for (const install of await this.repository.installsOf(app.id)) {
        await this.webhooks.unsubscribeAppFrom(install, 'slack');
        await this.subscribeToSlackEvents(updated, install);
      }
      return { ...toAppView(updated), signingSecret: updated.signingSecret };
    });
  }

  /** An app-level token (xapp-…) for Socket Mode, shown once; only its hash is kept. */
  async createAppToken(workspaceId: string, appId: string, userId: string, scopes: string[]) {
    const app = await this.require(workspaceId, appId, userId);
    const { raw, hash } = generateToken('appLevel');
    const row = await this.repository.insertAppToken({
      id: newId(),
      appId: app.id,
      tokenHash: hash,
      scopes,
      createdBy: userId,
    });
    return { ...row, createdAt: row.createdAt.toISOString(), token: raw };
  }

  /** Revoking an app-level token closes the Socket Mode connections it opened (`disconnect`: link_disabled). */
  async revokeAppToken(workspaceId: string, appId: string, tokenId: string, userId: string): Promise<void> {
    const app = await this.require(workspaceId, appId, userId);
    if (!(await this.repository.deleteAppToken(app.id, tokenId))) throw notFound('App token');
    this.socketMode.revoked(tokenId);
  }

  private async subscribeToSlackEvents(app: AppRow, install: InstallRow): Promise<void> {
    if (app.slackEvents.length === 0) return;
    await this.webhooks.subscribeApp({
      id: install.id,
      workspaceId: install.workspaceId,
      botUserId: install.botUserId,
      // Without a request URL, events go through Socket Mode only.
      url: app.slackEventsUrl ?? '',
      events: nativeEventsFor(app.slackEvents),
      signingSecret: app.signingSecret,
      format: 'slack',
    });
  }

  /** The apps installed in the workspace, wherever they were registered (an OAuth grant installs them too). */
  async installs(workspaceId: string, userId: string): Promise<{ items: InstalledAppView[] }> {
    await this.workspaces.requireAdmin(workspaceId, userId);
    const rows = await this.repository.installsIn(workspaceId);
    return { items: rows.map((row) => ({ ...toInstallView(row), appName: row.appName })) };
  }

  /** The workspace's admins remove an install from it, whether or not the app was registered here. */
  async uninstall(workspaceId: string, appId: string, userId: string): Promise<void> {
    await this.workspaces.requireAdmin(workspaceId, userId);
    const install = await this.repository.findInstall(appId, workspaceId);
    if (!install) throw notFound('Install');
    await this.db.transaction(() => this.removeInstall(install));
  }

  /** Pending codes and tokens first (sockets close everywhere), then the install and its bot's membership. */
  private async removeInstall(install: InstallRow): Promise<void> {
    await this.repository.expireCodes(install.appId, install.workspaceId);
    await this.auth.revokeInstallTokens(install.id);
    await this.webhooks.unsubscribeApp(install, () => this.repository.deleteInstall(install.id));
    await this.workspaces.removeBot(install.workspaceId, install.botUserId);
    await this.recordInstall('app.uninstalled', install, {});
  }

  private recordInstall(
    action: 'app.installed' | 'app.uninstalled',
    install: InstallRow,
    summary: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record({
      action,
      workspaceId: install.workspaceId,
      target: { kind: 'app', id: install.appId },
      summary: { installId: install.id, ...summary },
    });
  }

  /**
   * Slack's check that the URL belongs to the app: a signed `url_verification` request whose `challenge` the
   * app must send back within 3 s (Bolt does it by itself).
   */
  private async verifySlackEventsUrl(url: string, signingSecret: string): Promise<void> {
    const challenge = randomBytes(24).toString('base64url');
    const body = JSON.stringify({ token: 'verification', challenge, type: 'url_verification' });
    const failed = (message: string) =>
      badRequest('The Slack events URL did not pass verification', [{ path: 'slackEventsUrl', message }]);
    await this.egress.assertFetchable(url, 'slackEventsUrl');
    let response: EgressResponse;
    try {
      response = await this.egress.fetch(
        url,
        slackEventRequest(signingSecret, Math.floor(this.clock.now() / 1000), body),
        { timeoutMs: SLACK_ANSWER_MS, maxResponseBytes: 4096 },
      );
    } catch (error) {
      throw failed(`could not be reached: ${(error as Error).message}`);
    }
    if (response.status !== 200)
      throw failed(`answered ${response.status} to the url_verification challenge`);
    if (answeredChallenge(response.body) !== challenge) {
      throw failed('did not answer the url_verification challenge with its challenge value');
    }
  }

  private async require(workspaceId: string, appId: string, userId: string): Promise<AppRow> {
    await this.workspaces.requireAdmin(workspaceId, userId);
    const app = await this.repository.find(workspaceId, appId);
    if (!app) throw notFound('App');
    return app;
  }
}
