import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';

/** Limits on what an archive may expand to (a zip bomb is refused before anything is read from it). */
export interface ArchiveLimits {
  maxUncompressedBytes: number;
  /** Largest uncompressed/compressed ratio of the archive, and of any entry over a mebibyte. */
  maxRatio: number;
}

/** Why an archive is refused, as the problem's field message. */
export class ArchiveRejected extends Error {}

/** A day of one conversation: `general/2024-01-31.json`. */
export interface DayFile {
  name: string;
  folder: string;
  date: string;
}

const DAY_FILE = /^([^/]+)\/(\d{4}-\d{2}-\d{2})\.json$/;
const RATIO_CHECKED_FROM_BYTES = 1024 * 1024;

const openZip = (file: string) =>
  new Promise<ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (error, zip) =>
      error ? reject(error) : resolve(zip),
    ),
  );

/**
 * A Slack export zip on disk, read through yauzl: the central directory is read (and checked) at once, the
 * entries' contents one at a time, streaming, when asked for.
 */
export class SlackArchive {
  private constructor(
    private readonly zip: ZipFile,
    private readonly entries: Map<string, Entry>,
  ) {}

  /**
   * Opens and checks the archive: a zip, no entry outside its folder (`..`, absolute paths), within the size
   * and ratio limits, with a `users.json`. Throws ArchiveRejected saying what is wrong.
   */
  static async open(file: string, limits: ArchiveLimits): Promise<SlackArchive> {
    let zip: ZipFile;
    try {
      zip = await openZip(file);
    } catch (error) {
      throw new ArchiveRejected(`is not a zip archive (${(error as Error).message})`);
    }
    try {
      const entries = await readDirectory(zip);
      let compressed = 0;
      let uncompressed = 0;
      for (const entry of entries.values()) {
        compressed += entry.compressedSize;
        uncompressed += entry.uncompressedSize;
        if (
          entry.uncompressedSize > RATIO_CHECKED_FROM_BYTES &&
          entry.uncompressedSize > limits.maxRatio * Math.max(entry.compressedSize, 1)
        ) {
          throw new ArchiveRejected(`entry ${entry.fileName} expands more than ${limits.maxRatio} times`);
        }
      }
      if (uncompressed > limits.maxUncompressedBytes) {
        throw new ArchiveRejected(`expands to more than ${limits.maxUncompressedBytes} bytes`);
      }
      if (
        uncompressed > RATIO_CHECKED_FROM_BYTES &&
        uncompressed > limits.maxRatio * Math.max(compressed, 1)
      ) {
        throw new ArchiveRejected(`expands more than ${limits.maxRatio} times`);
      }
      if (!entries.has('users.json'))
        throw new ArchiveRejected('has no users.json: it is not a Slack export');
      return new SlackArchive(zip, entries);
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** An entry's uncompressed size; undefined when the entry is absent. */
  size(name: string): number | undefined {
    return this.entries.get(name)?.uncompressedSize;
  }

  /** The per-day message files, each conversation's in date order (so a thread's root comes before its replies). */
  dayFiles(): DayFile[] {
    const days: DayFile[] = [];
    for (const name of this.entries.keys()) {
      const match = DAY_FILE.exec(name);
      if (match) days.push({ name, folder: match[1], date: match[2] });
    }
    return days.sort((a, b) =>
      a.folder === b.folder ? a.date.localeCompare(b.date) : a.folder < b.folder ? -1 : 1,
    );
  }

  /** An entry's JSON; undefined when the entry is absent. Throws SyntaxError when it is not JSON. */
  async readJson(name: string): Promise<unknown> {
    const content = await this.read(name);
    return content === undefined ? undefined : (JSON.parse(content.toString('utf8')) as unknown);
  }

  /** An entry's bytes; undefined when the entry is absent. */
  async read(name: string): Promise<Buffer | undefined> {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    const stream = await new Promise<Readable>((resolve, reject) =>
      this.zip.openReadStream(entry, (error, readable) => (error ? reject(error) : resolve(readable))),
    );
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  close(): void {
    this.zip.close();
  }
}

/** Every file entry by name; yauzl refuses `..` and absolute paths while reading the directory. */
function readDirectory(zip: ZipFile): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>();
    zip.on('entry', (entry: Entry) => {
      if (!entry.fileName.endsWith('/')) entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (error: Error) =>
      reject(
        /invalid relative path|absolute path/.test(error.message)
          ? new ArchiveRejected(`has an entry outside its folder (${error.message})`)
          : new ArchiveRejected(`is not a readable zip archive (${error.message})`),
      ),
    );
    zip.readEntry();
  });
}
