import type { PluginContext } from '@jokkaer/sdk-plugin';

/** A file copied to storage, as `/files find` lists it. */
export interface Mirrored {
  id: string;
  name: string;
  size: number;
  link: string;
  channelId: string;
  /** When it was copied (ms). */
  at: number;
}

/** A file waiting for another attempt. */
export interface Pending {
  fileId: string;
  channelId: string;
  name: string;
  /** Attempts made so far. */
  attempts: number;
  /** Not before (ms). */
  nextAt: number;
  lastError: string;
}

const INDEX = 'index';
/**
 * Keeps the index, one KV value, under the 1 MiB a capability call may send (an entry takes 200–700 bytes);
 * the oldest entries leave it first.
 */
export const MAX_INDEX = 1000;
export const RETRY_PREFIX = 'retry:';
export const MAX_ATTEMPTS = 6;

/** 1, 2, 4, 8, 16 minutes… at most an hour after the `attempts`-th failure. */
export const backoffMs = (attempts: number): number => Math.min(60, 2 ** (attempts - 1)) * 60_000;

export async function readIndex(ctx: PluginContext): Promise<Mirrored[]> {
  return (await ctx.kv.get<Mirrored[]>(INDEX)) ?? [];
}

/** Adds the record with compare-and-set, since an event and the retry schedule may write at once. */
export async function remember(ctx: PluginContext, record: Mirrored): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const entry = await ctx.kv.getEntry<Mirrored[]>(INDEX);
    const others = (entry?.value ?? []).filter((existing) => existing.id !== record.id);
    const next = [...others, record].slice(-MAX_INDEX);
    if (await ctx.kv.set(INDEX, next, { ifVersion: entry?.version ?? null })) return;
  }
  throw new Error('the file index kept changing; the copy will be recorded on the next attempt');
}

/** Queues a file for the retry schedule; one already queued keeps its count of attempts. */
export async function enqueue(
  ctx: PluginContext,
  file: { fileId: string; channelId: string; name: string },
  error: string,
): Promise<void> {
  const pending: Pending = {
    ...file,
    attempts: 1,
    nextAt: (await ctx.now()) + backoffMs(1),
    lastError: error,
  };
  await ctx.kv.set(`${RETRY_PREFIX}${file.fileId}`, pending, { ifVersion: null });
}
