import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { KV_KEY_PATTERN, MAX_TEXT_LENGTH } from './rules';

/** The longest URL a plugin may fetch. */
const MAX_URL_LENGTH = 2048;
/** The most user ids one `users.presence` call takes. */
export const MAX_PRESENCE_IDS = 1000;

/** An id argument; the host answers one it does not know as a miss. */
const id = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  description: 'must be a non-empty string of at most 64 characters',
};
const text = {
  type: 'string',
  maxLength: MAX_TEXT_LENGTH,
  pattern: '\\S',
  description: `must be a non-blank string of at most ${MAX_TEXT_LENGTH} characters`,
};
const key = {
  type: 'string',
  pattern: KV_KEY_PATTERN,
  description: 'must be 1–256 letters, digits and . : / - _',
};

/** Block Kit's shape only: the server checks each block against its Block Kit schemas. */
const blocks = {
  type: 'array',
  maxItems: 50,
  items: { type: 'object', properties: { type: { type: 'string' } }, required: ['type'] },
  description: 'must be an array of at most 50 blocks, each an object with a type',
};
const modal = {
  type: 'object',
  properties: {
    type: { const: 'modal', description: 'must be "modal"' },
    title: { type: 'object' },
    blocks: { ...blocks, maxItems: 100 },
  },
  required: ['type', 'title', 'blocks'],
};

/** A message needs text unless it has blocks (each named again here: Ajv's strict mode wants that). */
const textUnlessBlocks = {
  if: { not: { properties: { blocks: {} }, required: ['blocks'] } },
  then: { properties: { text }, required: ['text'] },
};

interface Argument {
  name: string;
  schema: object;
  /** May be left out (undefined). */
  optional?: boolean;
}

/**
 * Each capability's arguments, in order, as JSON Schema: the server (PluginHost) and the test harness
 * (createTestHost) check calls against these same schemas, so a call the harness accepts is one the server
 * accepts. Permissions, quotas and whether a URL may be fetched are the host's to decide, after these.
 */
export const CAPABILITY_ARGUMENTS: Record<string, Argument[]> = {
  'messages.post': [
    {
      name: 'input',
      schema: {
        type: 'object',
        properties: { channelId: id, text, blocks, threadId: id },
        required: ['channelId'],
        ...textUnlessBlocks,
      },
    },
  ],
  'messages.update': [
    {
      name: 'input',
      schema: {
        type: 'object',
        properties: { messageId: id, text, blocks },
        required: ['messageId'],
        ...textUnlessBlocks,
      },
    },
  ],
  'views.open': [
    {
      name: 'triggerId',
      schema: { type: 'string', minLength: 1, maxLength: 200, description: "must be an action's triggerId" },
    },
    { name: 'view', schema: modal },
  ],
  'views.update': [
    { name: 'viewId', schema: id },
    { name: 'view', schema: modal },
  ],
  'messages.get': [{ name: 'messageId', schema: id }],
  'channels.get': [{ name: 'channelId', schema: id }],
  'users.get': [{ name: 'userId', schema: id }],
  'users.presence': [{ name: 'userIds', schema: { type: 'array', maxItems: MAX_PRESENCE_IDS, items: id } }],
  'files.get': [{ name: 'fileId', schema: id }],
  'kv.get': [{ name: 'key', schema: key }],
  'kv.getEntry': [{ name: 'key', schema: key }],
  'kv.delete': [{ name: 'key', schema: key }],
  'kv.set': [
    { name: 'key', schema: key },
    { name: 'value', schema: {}, optional: true },
    {
      name: 'options',
      optional: true,
      schema: {
        type: 'object',
        properties: {
          // A JSON Schema number is finite: Infinity and NaN fail.
          ttlSeconds: { type: 'number', exclusiveMinimum: 0 },
          ifVersion: {
            type: ['integer', 'null'],
            minimum: 1,
            description: 'must be a version a set returned, or null for "only if absent"',
          },
        },
        additionalProperties: false,
      },
    },
  ],
  'kv.list': [{ name: 'prefix', schema: { type: 'string' }, optional: true }],
  'http.fetch': [
    { name: 'url', schema: { type: 'string', maxLength: MAX_URL_LENGTH } },
    {
      name: 'init',
      optional: true,
      schema: {
        type: 'object',
        properties: {
          method: { type: 'string', pattern: '^[A-Za-z]+$', description: 'must be a word' },
          headers: { type: 'object', additionalProperties: { type: 'string' } },
          body: { type: 'string' },
          bodyBase64: { type: 'string' },
        },
      },
    },
  ],
};

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction[]>();

function validatorsOf(method: string): ValidateFunction[] {
  let found = validators.get(method);
  if (!found) {
    // verbose: an error carries its schema, whose description is the reason given.
    ajv ??= new Ajv({ strict: true, allowUnionTypes: true, verbose: true });
    const compiler = ajv;
    found = (CAPABILITY_ARGUMENTS[method] ?? []).map((argument) => compiler.compile(argument.schema));
    validators.set(method, found);
  }
  return found;
}

/** `path reason`, with the schema's own wording where it has one. */
function describe(name: string, error: ErrorObject): string {
  const path = `${name}${error.instancePath}`;
  const parent = error.parentSchema as { description?: string } | undefined;
  if (error.keyword === 'required') return `${path}/${String(error.params.missingProperty)} is required`;
  if (error.keyword === 'additionalProperties')
    return `${path} has unknown field ${String(error.params.additionalProperty)}`;
  return `${path} ${parent?.description ?? error.message ?? 'is not valid'}`;
}

/**
 * Why a capability call's arguments fail its schema, naming the argument and the path in it
 * (`input/text must be …`), or undefined when they pass (or the capability has no schema).
 */
export function capabilityArgumentProblem(method: string, args: unknown[]): string | undefined {
  const argumentsOf = CAPABILITY_ARGUMENTS[method] ?? [];
  const checks = validatorsOf(method);
  for (const [index, argument] of argumentsOf.entries()) {
    const value = args[index];
    if (value === undefined) {
      if (argument.optional) continue;
      return `${argument.name} is required`;
    }
    if (!checks[index](value)) return describe(argument.name, checks[index].errors![0]);
  }
  return undefined;
}

/** Names of each capability's arguments, as plugin authors know them from the SDK. */
export const argumentNames = (method: string): string[] =>
  (CAPABILITY_ARGUMENTS[method] ?? []).map((argument) => argument.name);
