import { argumentNames } from './capabilities';

/**
 * Text PostgreSQL cannot store, or that is not text at all: NUL (refused by `text` and `jsonb`) and UTF-16
 * surrogates without their pair (not encodable as UTF-8). The server refuses it wherever text enters; the
 * test harness refuses it in capability arguments as the server does.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNSTORABLE_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

export const isStorableText = (value: string): boolean => !UNSTORABLE.test(value);

/** A field that holds unstorable text: its path and why. */
export interface UnstorableField {
  path: string;
  message: string;
}

/**
 * Every string (and object key) in `value` that cannot be stored, by its path (`text`, `blocks/0/title`).
 * Depth-limited so that a hostile nesting costs no more than the parse that built it.
 */
export function unstorableTextFields(value: unknown, path = '', depth = 0): UnstorableField[] {
  if (typeof value === 'string') {
    return isStorableText(value) ? [] : [{ path: path || '(body)', message: UNSTORABLE_MESSAGE }];
  }
  // Bytes (a Buffer, a typed array) hold no text; ArrayBuffer.isView also works where Buffer does not exist.
  if (value === null || typeof value !== 'object' || depth > 64 || ArrayBuffer.isView(value)) return [];
  const fields: UnstorableField[] = [];
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path ? `${path}/${key}` : key;
    if (!isStorableText(key)) fields.push({ path: itemPath, message: UNSTORABLE_MESSAGE });
    fields.push(...unstorableTextFields(item, itemPath, depth + 1));
  }
  return fields;
}

/**
 * Why a capability call's arguments cannot be stored, naming the first argument (and path in it) that holds
 * such text (`value/title must not contain …`), or undefined when they all can.
 */
export function unstorableArgument(method: string, args: unknown[]): string | undefined {
  const names = argumentNames(method);
  for (const [index, arg] of args.entries()) {
    const [field] = unstorableTextFields(arg, names[index] ?? `argument ${index + 1}`);
    if (field) return `${field.path} ${field.message}`;
  }
  return undefined;
}
