import { randomUUID } from 'node:crypto';

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; leave room for the origin prefix. */
export const MAX_NOTIFY_BYTES = 7900;
/** Raw bytes per fragment of an oversized message: base64 makes them 4/3 larger, plus a small header. */
const FRAGMENT_BYTES = 5600;
/** A message whose fragments stop arriving (its sender died mid-way) is forgotten after this. */
const FRAGMENT_TTL_MS = 30_000;

interface Fragment {
  id: string;
  index: number;
  count: number;
  data: string;
}

/**
 * Packs serialized messages into as few NOTIFY payloads as fit: runs of small ones as one JSON array, and
 * any message too big for one payload (a large SDP offer) as base64 fragments, in order. Each payload starts
 * with `origin|` so a listener skips its own without parsing.
 */
export function packPayloads(origin: string, messages: string[], limit = MAX_NOTIFY_BYTES): string[] {
  const payloads: string[] = [];
  const budget = limit - Buffer.byteLength(origin) - 1;
  let run: string[] = [];
  let runBytes = 2; // the brackets
  const flushRun = () => {
    if (run.length) payloads.push(`${origin}|[${run.join(',')}]`);
    run = [];
    runBytes = 2;
  };
  for (const message of messages) {
    const bytes = Buffer.byteLength(message);
    if (bytes + 2 > budget) {
      flushRun();
      const raw = Buffer.from(message);
      const id = randomUUID();
      const count = Math.ceil(raw.length / FRAGMENT_BYTES);
      for (let index = 0; index < count; index++) {
        const data = raw.subarray(index * FRAGMENT_BYTES, (index + 1) * FRAGMENT_BYTES).toString('base64');
        payloads.push(`${origin}|${JSON.stringify({ id, index, count, data } satisfies Fragment)}`);
      }
      continue;
    }
    if (runBytes + bytes + (run.length ? 1 : 0) > budget) flushRun();
    runBytes += bytes + (run.length ? 1 : 0);
    run.push(message);
  }
  flushRun();
  return payloads;
}

/** The listening side: payloads in, whole messages out (in order), fragments reassembled. */
export class PayloadUnpacker {
  private readonly partial = new Map<string, { parts: string[]; received: number; expiresAt: number }>();

  constructor(private readonly self: string) {}

  /** The messages a payload completes; none for this instance's own payloads. */
  unpack(payload: string, now: number): unknown[] {
    const bar = payload.indexOf('|');
    if (bar < 0 || payload.slice(0, bar) === this.self) return [];
    const body = JSON.parse(payload.slice(bar + 1)) as unknown[] | Fragment;
    if (Array.isArray(body)) return body;
    this.expire(now);
    const entry = this.partial.get(body.id) ?? {
      parts: new Array<string>(body.count),
      received: 0,
      expiresAt: now + FRAGMENT_TTL_MS,
    };
    if (entry.parts[body.index] === undefined) entry.received += 1;
    entry.parts[body.index] = body.data;
    if (entry.received < body.count) {
      this.partial.set(body.id, entry);
      return [];
    }
    this.partial.delete(body.id);
    const raw = Buffer.concat(entry.parts.map((part) => Buffer.from(part, 'base64')));
    return [JSON.parse(raw.toString('utf8'))];
  }

  private expire(now: number): void {
    for (const [id, entry] of this.partial) if (entry.expiresAt <= now) this.partial.delete(id);
  }
}
