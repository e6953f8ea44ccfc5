import type { PluginContext } from '@jokkaer/sdk-plugin';
import { formatDue } from './parse';

/**
 * Tasks live in KV, one key per channel (`channel:<channelId>`), so the key list is also the index of channels
 * with tasks that the reminder schedule walks.
 */

export interface Task {
  /** Numbered per channel from 1; never reused. */
  n: number;
  text: string;
  createdBy: string;
  /** Ms since the epoch, as are the other times. */
  createdAt: number;
  assigneeId?: string;
  dueAt?: number;
  /** Set once the due reminder went out, so it goes out once. */
  reminded?: boolean;
  doneAt?: number;
  doneBy?: string;
  /** The message a reaction turned into this task. */
  messageId?: string;
}

export interface ChannelTasks {
  next: number;
  tasks: Task[];
}

export const CHANNEL_PREFIX = 'channel:';
/** Per channel, done tasks included; the oldest done ones make room for new ones. */
export const MAX_TASKS = 200;
/** Done tasks are kept this long (for `/task list all`), then make room in the KV quota. */
export const DONE_KEPT_MS = 30 * 86_400_000;
const MAX_ATTEMPTS = 10;

/**
 * Read-modify-write of a channel's tasks with compare-and-set: `change` edits the document (it may run more
 * than once, when another handler wrote in between) and its result is returned. Nothing is written when
 * `change` left the document as it was.
 */
export async function updateTasks<R>(
  ctx: PluginContext,
  channelId: string,
  change: (tasks: ChannelTasks) => R,
): Promise<R> {
  const key = CHANNEL_PREFIX + channelId;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const entry = await ctx.kv.getEntry<ChannelTasks>(key);
    const doc = entry?.value ?? { next: 1, tasks: [] };
    const before = JSON.stringify(doc);
    const result = change(doc);
    if (JSON.stringify(doc) === before) return result;
    if (await ctx.kv.set(key, doc, { ifVersion: entry?.version ?? null })) return result;
  }
  throw new Error('the tasks of this channel changed too often at once; try again');
}

export async function readTasks(ctx: PluginContext, channelId: string): Promise<Task[]> {
  return (await ctx.kv.get<ChannelTasks>(CHANNEL_PREFIX + channelId))?.tasks ?? [];
}

/**
 * Adds a task with the next number, or says why not. Done tasks older than DONE_KEPT_MS go first, and a full
 * channel forgets its oldest done tasks.
 */
export function addTask(doc: ChannelTasks, task: Omit<Task, 'n'>): Task | { error: string } {
  doc.tasks = doc.tasks.filter(
    (kept) => kept.doneAt === undefined || task.createdAt - kept.doneAt < DONE_KEPT_MS,
  );
  while (doc.tasks.length >= MAX_TASKS) {
    const oldestDone = doc.tasks.findIndex((candidate) => candidate.doneAt !== undefined);
    if (oldestDone < 0) return { error: `This channel has ${MAX_TASKS} open tasks; complete some first.` };
    doc.tasks.splice(oldestDone, 1);
  }
  const added = { n: doc.next, ...task };
  doc.next += 1;
  doc.tasks.push(added);
  return added;
}

/** `#3 Buy milk → <@id> · due 2026-12-01 09:00 UTC`, with what a list needs to know about it. */
export function describeTask(task: Task, now: number, timeZone: string): string {
  const parts = [`#${task.n} ${task.doneAt === undefined ? '' : '✓ '}${task.text}`];
  if (task.assigneeId) parts[0] += ` → <@${task.assigneeId}>`;
  if (task.dueAt !== undefined) {
    const overdue = task.doneAt === undefined && task.dueAt < now ? ' (overdue)' : '';
    parts.push(`due ${formatDue(task.dueAt, timeZone)}${overdue}`);
  }
  return parts.join(' · ');
}
