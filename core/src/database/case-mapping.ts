import type { Knex } from 'knex';

/** Whether `char` is a letter written in upper case (one with a lower-case form). */
function isUpperCaseLetter(char: string): boolean {
  return char !== char.toLowerCase() && char === char.toUpperCase();
}

/**
 * camelCase to snake_case: an underscore before each upper-case letter that follows anything but another one,
 * and upper-case letters in lower case. A run of capitals stays one word (`fooBAR` → `foo_bar`), digits join
 * the word before them (`line2` → `line2`), the first character only goes to lower case.
 */
export function snakeCase(name: string): string {
  let out = name.charAt(0).toLowerCase();
  for (let i = 1; i < name.length; i++) {
    const char = name[i];
    if (!isUpperCaseLetter(char)) out += char;
    else out += isUpperCaseLetter(name[i - 1]) ? char.toLowerCase() : `_${char.toLowerCase()}`;
  }
  return out;
}

/**
 * snake_case to camelCase: underscores dropped, the character after one in upper case. The first character stays
 * as it is, so a leading underscore stays and upper-cases what follows it (`_id` → `_Id`).
 */
export function camelCase(name: string): string {
  let out = name.charAt(0);
  for (let i = 1; i < name.length; i++) {
    const char = name[i];
    if (char !== '_') out += name[i - 1] === '_' ? char.toUpperCase() : char;
  }
  return out;
}

/** `convert` once per distinct name: the same few identifiers come back on every statement and row. */
function remembered(convert: (name: string) => string): (name: string) => string {
  const known = new Map<string, string>();
  return (name) => {
    let converted = known.get(name);
    if (converted === undefined) {
      converted = convert(name);
      known.set(name, converted);
    }
    return converted;
  };
}

/** An object with its own keys renamed; anything else (arrays, numbers, null) as it is. */
function renameKeys(value: unknown, rename: (key: string) => string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[rename(key)] = (value as Record<string, unknown>)[key];
  return out;
}

/**
 * Knex settings under which TypeScript names columns and tables in camelCase and SQL in snake_case: identifiers
 * knex writes are converted to snake_case, and the keys of the rows it answers (the rows of a builder query; of
 * `raw`, only the result's own keys, its rows untouched) back to camelCase. Before a `:` only the part after the
 * last one is converted.
 */
export function snakeCaseMapping(): Pick<Knex.Config, 'wrapIdentifier' | 'postProcessResponse'> {
  const lastPart = (convert: (name: string) => string) => (name: string) => {
    const at = name.lastIndexOf(':') + 1;
    return name.slice(0, at) + convert(name.slice(at));
  };
  const toSql = remembered(lastPart(snakeCase));
  const fromSql = remembered(lastPart(camelCase));
  return {
    wrapIdentifier: (identifier, wrap) => wrap(identifier ? toSql(identifier) : identifier),
    postProcessResponse: (result: unknown) =>
      Array.isArray(result) ? result.map((row) => renameKeys(row, fromSql)) : renameKeys(result, fromSql),
  };
}
