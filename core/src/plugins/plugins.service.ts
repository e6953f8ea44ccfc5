import { Injectable } from '@nestjs/common';
import { secretSettingKeys, settingsSchemaOf, validateManifest } from '@jokkaer/sdk-plugin';
import type { PluginManifest } from '@jokkaer/sdk-plugin';
import { AuditService } from '../audit/audit.service';
import type { AuditAction } from '../audit/audit.schemas';
import { AuthService } from '../auth/auth.service';
import { newId } from '../common/ids';
import { badRequest, conflict, notFound } from '../common/problem';
import { assertValid } from '../common/validation';
import { Database } from '../database/database';
import { EventFeed } from '../events/event-feed';
import { EventsRepository } from '../events/events.repository';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { PluginCatalogue } from './plugin-catalogue';
import { PluginHost } from './plugin-host';
import { PluginScheduler } from './plugin-scheduler';
import { InstallRow, PluginsRepository } from './plugins.repository';
import {
  DEFAULT_LIMITS,
  InstallBody,
  InstallLimits,
  InstallView,
  InvocationOutcome,
  InvocationView,
  UploadBody,
} from './plugins.schemas';

const toCatalogueItem = (manifest: PluginManifest) => ({
  id: manifest.id,
  name: manifest.name,
  version: manifest.version,
  description: manifest.description ?? '',
  permissions: manifest.permissions ?? {},
  settingsSchema: settingsSchemaOf(manifest),
});

/** Installs, configures and removes plugins per workspace (workspace admins only). */
@Injectable()
export class PluginsService {
  constructor(
    private readonly repository: PluginsRepository,
    private readonly catalogue: PluginCatalogue,
    private readonly host: PluginHost,
    private readonly workspaces: WorkspacesService,
    private readonly auth: AuthService,
    private readonly feed: EventFeed,
    private readonly events: EventsRepository,
    private readonly scheduler: PluginScheduler,
    private readonly db: Database,
    private readonly audit: AuditService,
  ) {}

  catalogueView() {
    return { items: this.catalogue.list().map(({ manifest }) => toCatalogueItem(manifest)) };
  }

  /** An instance admin (INSTANCE_ADMIN_EMAILS) adds a built plugin, or a new version of one they uploaded. */
  async upload(userId: string, body: UploadBody) {
    await this.auth.assertInstanceAdmin(userId, 'upload plugins');
    const checked = validateManifest(body.manifest);
    if (!checked.ok) {
      throw badRequest(
        'The manifest is invalid',
        checked.errors.map((error) => ({
          path: `manifest/${error.path}`.replace(/\/$/, ''),
          message: error.message,
        })),
      );
    }
    const { manifest } = checked;
    if (this.catalogue.get(manifest.id)?.source === 'dir') {
      throw conflict(
        `The plugin "${manifest.id}" ships with this server and cannot be replaced by an upload`,
      );
    }
    await this.db.transaction(async () => {
      await this.repository.saveBundle({
        pluginId: manifest.id,
        version: manifest.version,
        manifest,
        code: body.code,
        uploadedBy: userId,
      });
      await this.audit.record({
        action: 'plugin.uploaded',
        workspaceId: null,
        target: { kind: 'plugin', id: manifest.id },
        summary: { version: manifest.version, codeBytes: Buffer.byteLength(body.code) },
      });
    });
    this.catalogue.add(manifest, body.code, 'upload', `upload by ${userId}`);
    return toCatalogueItem(manifest);
  }

  async list(workspaceId: string, userId: string): Promise<{ items: InstallView[] }> {
    await this.workspaces.requireAdmin(workspaceId, userId);
    return {
      items: (await this.repository.listInstalls(workspaceId)).map((install) => this.toView(install)),
    };
  }

  /**
   * Installs or reconfigures. Settings are checked against the plugin's schema (400 names the fields); secret
   * fields left out keep their stored value, so an admin can change other settings without re-entering them.
   */
  async upsert(
    workspaceId: string,
    userId: string,
    pluginId: string,
    body: InstallBody,
  ): Promise<InstallView> {
    await this.workspaces.requireAdmin(workspaceId, userId);
    const entry = this.catalogue.get(pluginId);
    if (!entry) throw notFound('Plugin');
    const existing = await this.repository.findInstall(workspaceId, pluginId);
    const settings = { ...(body.settings ?? {}) } as Record<string, unknown>;
    for (const field of secretSettingKeys(entry.manifest)) {
      if (!(field in settings) && existing && field in existing.settings)
        settings[field] = existing.settings[field];
    }
    assertValid(settingsSchemaOf(entry.manifest), settings, 'settings');
    const allowedHosts = body.allowedHosts ?? existing?.allowedHosts ?? [];
    // Extra hosts widen what the plugin asked for; they never grant HTTP to a plugin that did not ask for it.
    if (allowedHosts.length > 0 && !entry.manifest.permissions.http) {
      throw badRequest('The request is invalid', [
        { path: 'allowedHosts', message: 'the plugin does not ask for HTTP access (permissions.http)' },
      ]);
    }
    const limits: InstallLimits = {
      ...DEFAULT_LIMITS,
      ...entry.manifest.limits,
      ...existing?.limits,
      ...body.limits,
    };
    const install = existing
      ? await this.changing(workspaceId, async () => {
          const updated = await this.repository.updateInstall(existing.id, {
            enabled: body.enabled,
            settings,
            limits,
            allowedHosts,
            version: entry.manifest.version,
            ...(body.enabled ? { disabledReason: null } : {}),
          });
          await this.recordReconfigured(existing, updated);
          return updated;
        })
      : await this.create(workspaceId, entry.manifest, body.enabled, { settings, limits, allowedHosts });
    await this.scheduler.sync(install.id, entry.manifest);
    if (!install.enabled) this.host.runner.unload(install.id);
    this.host.forget(install);
    return this.toView(install);
  }

  async uninstall(workspaceId: string, userId: string, pluginId: string): Promise<void> {
    await this.workspaces.requireAdmin(workspaceId, userId);
    const install = await this.repository.findInstall(workspaceId, pluginId);
    if (!install) throw notFound('Plugin install');
    // Its KV data and invocation log go with it (ON DELETE CASCADE); its bot leaves the workspace.
    await this.changing(workspaceId, async () => {
      await this.repository.deleteInstall(install.id);
      await this.record('plugin.uninstalled', install);
    });
    this.host.runner.unload(install.id);
    this.host.forget(install);
    await this.workspaces.removeBot(workspaceId, install.botUserId);
  }

  async invocations(
    workspaceId: string,
    userId: string,
    pluginId: string,
    outcome?: InvocationOutcome,
  ): Promise<{ items: InvocationView[] }> {
    await this.workspaces.requireAdmin(workspaceId, userId);
    const install = await this.repository.findInstall(workspaceId, pluginId);
    if (!install) throw notFound('Plugin install');
    const rows = await this.repository.listInvocations(install.id, 100, outcome);
    return {
      items: rows.map((row) => ({ ...row, id: String(row.id), createdAt: row.createdAt.toISOString() })),
    };
  }

  private async create(
    workspaceId: string,
    manifest: PluginManifest,
    enabled: boolean,
    config: Pick<InstallRow, 'settings' | 'limits' | 'allowedHosts'>,
  ): Promise<InstallRow> {
    const id = newId();
    // The plugin acts as a bot member of the workspace; events are delivered from now on.
    const bot = await this.auth.createBot(manifest.name, `plugin.${manifest.id}`, id);
    await this.workspaces.addBot(workspaceId, bot.id);
    return this.changing(workspaceId, async () => {
      const install = await this.repository.insertInstall({
        id,
        workspaceId,
        pluginId: manifest.id,
        version: manifest.version,
        enabled,
        ...config,
        botUserId: bot.id,
        cursorSeq: this.feed.seq,
      });
      await this.record('plugin.installed', install, {
        version: manifest.version,
        enabled,
        settings: Object.keys(config.settings).sort(),
      });
      return install;
    });
  }

  /** What an admin changed on an install: the names of settings changed (their values may be secret), and on/off. */
  private async recordReconfigured(before: InstallRow, after: InstallRow): Promise<void> {
    const names = new Set([...Object.keys(before.settings), ...Object.keys(after.settings)]);
    const changed = [...names]
      .filter((name) => JSON.stringify(before.settings[name]) !== JSON.stringify(after.settings[name]))
      .sort();
    const otherChanges = {
      ...(before.version !== after.version && { version: after.version }),
      ...(JSON.stringify(before.limits) !== JSON.stringify(after.limits) && { limits: after.limits }),
      ...(JSON.stringify(before.allowedHosts) !== JSON.stringify(after.allowedHosts) && {
        allowedHosts: after.allowedHosts,
      }),
    };
    if (changed.length > 0 || Object.keys(otherChanges).length > 0) {
      await this.record('plugin.settings_changed', after, { settings: changed, ...otherChanges });
    }
    if (before.enabled !== after.enabled) {
      await this.record(after.enabled ? 'plugin.enabled' : 'plugin.disabled', after);
    }
  }

  private record(action: AuditAction, install: InstallRow, summary: Record<string, unknown> = {}) {
    return this.audit.record({
      action,
      workspaceId: install.workspaceId,
      target: { kind: 'plugin', id: install.pluginId },
      summary,
    });
  }

  /** A change to the workspace's installs, with the event that tells every instance (PluginDelivery). */
  private changing<T>(workspaceId: string, change: () => Promise<T>): Promise<T> {
    return this.events.appendAfter('plugin_installs.changed', { ofWorkspace: workspaceId }, change);
  }

  private toView(install: InstallRow): InstallView {
    const manifest = this.host.manifestOf(install);
    const hidden = new Set(manifest ? secretSettingKeys(manifest) : []);
    const secretsSet = [...hidden].filter((name) => name in install.settings);
    return {
      pluginId: install.pluginId,
      workspaceId: install.workspaceId,
      version: install.version,
      enabled: install.enabled,
      settings: Object.fromEntries(Object.entries(install.settings).filter(([name]) => !hidden.has(name))),
      secretsSet,
      limits: install.limits,
      allowedHosts: install.allowedHosts,
      botUserId: install.botUserId,
      disabledReason: install.disabledReason,
      createdAt: install.createdAt.toISOString(),
      updatedAt: install.updatedAt.toISOString(),
    };
  }
}
