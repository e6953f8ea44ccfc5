import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { validateManifest } from '@jokkaer/sdk-plugin';
import type { PluginManifest } from '@jokkaer/sdk-plugin';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';

export interface CatalogueEntry {
  manifest: PluginManifest;
  /** The bundled plugin script. */
  code: string;
}

/** The plugins this server can install: built bundles (plugin.json + plugin.js) from PLUGIN_DIRS. */
@Injectable()
export class PluginCatalogue implements OnModuleInit {
  private readonly entries = new Map<string, CatalogueEntry>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const dir of this.config.pluginDirs) {
      try {
        const manifest = JSON.parse(await readFile(path.join(dir, 'plugin.json'), 'utf8')) as unknown;
        const checked = validateManifest(manifest);
        if (!checked.ok) {
          this.logger.error({ dir, errors: checked.errors }, 'plugin manifest is invalid; plugin skipped');
          continue;
        }
        const code = await readFile(path.join(dir, 'plugin.js'), 'utf8');
        this.entries.set(checked.manifest.id, { manifest: checked.manifest, code });
        this.logger.info(
          { plugin: checked.manifest.id, version: checked.manifest.version },
          'plugin available',
        );
      } catch (error) {
        this.logger.error({ dir, err: error }, 'could not read plugin; skipped');
      }
    }
  }

  list(): CatalogueEntry[] {
    return [...this.entries.values()].sort((a, b) => a.manifest.id.localeCompare(b.manifest.id));
  }

  get(pluginId: string): CatalogueEntry | undefined {
    return this.entries.get(pluginId);
  }
}
