import type { ProblemField } from './problem';

/**
 * Text PostgreSQL cannot store, or that is not text at all: NUL (refused by `text` and `jsonb`) and UTF-16
 * surrogates without their pair (not encodable as UTF-8).
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const isStorableText = (value: string): boolean => !UNSTORABLE.test(value);

/**
 * Every string (and object key) in `value` that cannot be stored, by its path (`text`, `blocks/0/title`).
 * Depth-limited so that a hostile nesting costs no more than the parse that built it.
 */
export function unstorableTextFields(value: unknown, path = '', depth = 0): ProblemField[] {
  if (typeof value === 'string') {
    return isStorableText(value) ? [] : [{ path: path || '(body)', message: UNSTORABLE_MESSAGE }];
  }
  if (value === null || typeof value !== 'object' || depth > 64 || Buffer.isBuffer(value)) return [];
  const fields: ProblemField[] = [];
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path ? `${path}/${key}` : key;
    if (!isStorableText(key)) fields.push({ path: itemPath, message: UNSTORABLE_MESSAGE });
    fields.push(...unstorableTextFields(item, itemPath, depth + 1));
  }
  return fields;
}

export const UNSTORABLE_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';
