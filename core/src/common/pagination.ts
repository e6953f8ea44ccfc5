import { badRequest } from './problem';
import { isUuid } from '@jokkaer/sdk-plugin';

export const pageQuerySchema = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: { type: 'string', minLength: 1, maxLength: 500 },
  },
  additionalProperties: false,
} as const;

export interface PageQuery {
  limit: number;
  cursor?: string;
}

/** The schema of a page of `item`s: a route's answer (see Returns) and its OpenAPI document. */
export const pageSchema = <const T extends object & { title: string }>(item: T) =>
  ({
    title: `${item.title}Page`,
    type: 'object',
    properties: {
      items: { type: 'array', items: item },
      /** null on the last page. */
      nextCursor: { type: ['string', 'null'] },
    },
    required: ['items', 'nextCursor'],
    additionalProperties: false,
  }) as const;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Cursors are opaque to clients: base64url of the sort key of the last item returned. */
export function encodeCursor(key: Record<string, string>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** What a cursor key holds: a row id, or a position in a bigint sequence (PostgreSQL's `bigint` range). */
export type CursorKeyFormat = 'uuid' | 'bigint';

const MAX_BIGINT = 2n ** 63n - 1n;
const CURSOR_KEY_FORMATS: Record<CursorKeyFormat, (value: string) => boolean> = {
  uuid: isUuid,
  bigint: (value) => /^\d{1,19}$/.test(value) && BigInt(value) <= MAX_BIGINT,
};

/**
 * Reads a cursor back, checking every key's format: a client can hand back any string, and a value of the
 * wrong shape must be a 400 here rather than a failing query later.
 */
export function decodeCursor<K extends string>(
  cursor: string | undefined,
  keys: Readonly<Record<K, CursorKeyFormat>>,
  field = 'cursor',
): Record<K, string> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const valid = (Object.entries(keys) as [K, CursorKeyFormat][]).every(([key, format]) => {
      const value = parsed[key];
      return typeof value === 'string' && CURSOR_KEY_FORMATS[format](value);
    });
    if (valid) return parsed as Record<K, string>;
  } catch {
    // fall through to the 400 below
  }
  throw badRequest('The cursor is invalid', [
    { path: `query/${field}`, message: 'is not a cursor this API returned' },
  ]);
}

/** Builds a page from rows fetched with limit + 1, so "is there more" costs no extra query. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (last: T) => Record<string, string>): Page<T> {
  const items = rows.slice(0, limit);
  const more = rows.length > limit;
  return { items, nextCursor: more ? encodeCursor(cursorOf(items[items.length - 1])) : null };
}
