import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { validateManifest } from '@jokkaer/sdk-plugin';
import type { PluginManifest } from '@jokkaer/sdk-plugin';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { PluginsRepository } from './plugins.repository';
import { Timers } from '../common/timers';

export interface CatalogueEntry {
  manifest: PluginManifest;
  /** The bundled plugin script. */
  code: string;
  /** Where it came from: a folder in PLUGIN_DIRS, or an upload. */
  source: 'dir' | 'upload';
}

/** The repository's `plugins/<name>/dist` folders: first-party plugins, once built. */
async function firstPartyDirs(): Promise<string[]> {
  const root = path.resolve(__dirname, '../../../plugins');
  const names = await readdir(root).catch(() => [] as string[]);
  const dirs = names.map((name) => path.join(root, name, 'dist'));
  return dirs.filter((dir) => existsSync(path.join(dir, 'plugin.json')));
}

/** How often uploads made through another instance are picked up. */
const REFRESH_MS = 10_000;

/**
 * The plugins this server can install: built first-party plugins (`plugins/<name>/dist`), built bundles
 * (plugin.json + plugin.js) from PLUGIN_DIRS, and bundles
 * an instance admin uploaded (kept in the database, so every instance has them).
 */
@Injectable()
export class PluginCatalogue implements OnModuleInit {
  private readonly entries = new Map<string, CatalogueEntry>();

  constructor(
    private readonly repository: PluginsRepository,
    private readonly timers: Timers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const dir of [...(await firstPartyDirs()), ...this.config.pluginDirs]) {
      try {
        const manifest = JSON.parse(await readFile(path.join(dir, 'plugin.json'), 'utf8')) as unknown;
        const code = await readFile(path.join(dir, 'plugin.js'), 'utf8');
        this.add(manifest, code, 'dir', dir);
      } catch (error) {
        this.logger.error({ dir, err: error }, 'could not read plugin; skipped');
      }
    }
    await this.refresh();
    this.timers.every(REFRESH_MS, () => void this.refresh());
  }

  list(): CatalogueEntry[] {
    return [...this.entries.values()].sort((a, b) => a.manifest.id.localeCompare(b.manifest.id));
  }

  get(pluginId: string): CatalogueEntry | undefined {
    return this.entries.get(pluginId);
  }

  /** Adds a validated bundle; returns it, or undefined (logged) when the manifest is invalid. */
  add(
    manifest: unknown,
    code: string,
    source: CatalogueEntry['source'],
    origin: string,
  ): CatalogueEntry | undefined {
    const checked = validateManifest(manifest);
    if (!checked.ok) {
      this.logger.error({ origin, errors: checked.errors }, 'plugin manifest is invalid; plugin skipped');
      return undefined;
    }
    const entry = { manifest: checked.manifest, code, source };
    const known = this.entries.get(checked.manifest.id);
    if (known?.manifest.version !== entry.manifest.version || known.code !== code) {
      this.logger.info(
        { plugin: entry.manifest.id, version: entry.manifest.version, origin },
        'plugin available',
      );
    }
    this.entries.set(checked.manifest.id, entry);
    return entry;
  }

  private async refresh(): Promise<void> {
    try {
      for (const bundle of await this.repository.bundles()) {
        if (this.entries.get(bundle.pluginId)?.source !== 'dir')
          this.add(bundle.manifest, bundle.code, 'upload', 'upload');
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not refresh uploaded plugins');
    }
  }
}
