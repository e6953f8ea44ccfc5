import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';

/** Uploaded exports wait under DATA_DIR/imports until their import ends (shared by instances, as files are). */
@Injectable()
export class ImportArchives {
  private readonly root: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.root = path.join(config.dataDir, 'imports');
  }

  pathOf(importId: string): string {
    return path.join(this.root, `${importId}.zip`);
  }

  /** Streams an upload to disk; on any error nothing is left behind. Resolves to the bytes written. */
  async write(importId: string, content: Readable): Promise<number> {
    await mkdir(this.root, { recursive: true });
    let bytes = 0;
    content.on('data', (chunk: Buffer) => (bytes += chunk.length));
    try {
      await pipeline(content, createWriteStream(this.pathOf(importId), { flags: 'wx' }));
      return bytes;
    } catch (error) {
      await this.remove(importId);
      throw error;
    }
  }

  async remove(importId: string): Promise<void> {
    await rm(this.pathOf(importId), { force: true });
  }
}

export const IMPORT_UPLOAD_LIMITS = Symbol('IMPORT_UPLOAD_LIMITS');
