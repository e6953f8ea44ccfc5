import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import yazl from 'yazl';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';

const PARTIAL_SUFFIX = '.partial';

/**
 * A zip being written to disk with yazl, one entry at a time: `add` resolves once yazl has read the entry's
 * content, so no more than one entry is held in memory while the file system catches up.
 */
export class ZipWriter {
  private readonly zip = new yazl.ZipFile();
  private readonly written: Promise<void>;
  private failure?: Error;

  constructor(file: string) {
    this.written = pipeline(this.zip.outputStream, createWriteStream(file));
    this.written.catch((error: Error) => (this.failure = error));
  }

  async add(name: string, content: Buffer | Readable, mtime: Date): Promise<void> {
    if (this.failure) throw this.failure;
    const stream = Buffer.isBuffer(content) ? Readable.from([content]) : content;
    const read = new Promise<void>((resolve, reject) => {
      stream.once('end', resolve);
      stream.once('error', reject);
    });
    this.zip.addReadStream(stream, name, { mtime });
    await Promise.race([read, this.written.then(() => read)]);
  }

  /** Writes the central directory; resolves once it is all on disk. */
  async end(): Promise<void> {
    this.zip.end();
    await this.written;
  }

  /** Gives up on the zip: its file is closed (and then removed by the caller). */
  async abort(): Promise<void> {
    (this.zip.outputStream as Readable).destroy();
    await this.written.catch(() => undefined);
  }
}

/** Export zips live under DATA_DIR/exports until they expire (shared by instances, as files are). */
@Injectable()
export class ExportArchives {
  private readonly root: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.root = path.join(config.dataDir, 'exports');
  }

  pathOf(exportId: string): string {
    return path.join(this.root, `${exportId}.zip`);
  }

  /**
   * Writes an export's zip through `write`, under a temporary name renamed when complete (a zip cut off by a
   * crash is never offered for download). Resolves to its size.
   */
  async write(exportId: string, write: (zip: ZipWriter) => Promise<void>): Promise<number> {
    await mkdir(this.root, { recursive: true });
    const partial = `${this.pathOf(exportId)}${PARTIAL_SUFFIX}`;
    const zip = new ZipWriter(partial);
    try {
      await write(zip);
      await zip.end();
      await rename(partial, this.pathOf(exportId));
      return (await stat(this.pathOf(exportId))).size;
    } catch (error) {
      await zip.abort();
      await rm(partial, { force: true });
      throw error;
    }
  }

  read(exportId: string): Readable {
    return createReadStream(this.pathOf(exportId));
  }

  async remove(exportId: string): Promise<void> {
    await rm(this.pathOf(exportId), { force: true });
    await rm(`${this.pathOf(exportId)}${PARTIAL_SUFFIX}`, { force: true });
  }
}
