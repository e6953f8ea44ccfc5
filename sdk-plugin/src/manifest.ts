import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FromSchema } from 'json-schema-to-ts';
import { eventSchemas, JSON_SCHEMA_DRAFT_07, type EventName } from './events';
import type { HandlerKind } from './sandbox';

/**
 * The plugin manifest (`plugin.json`): who the plugin is, what it may do and how an install is configured.
 * The server checks it with ajv when a bundle is uploaded and when it is installed; `jokkaer-plugin build`
 * checks it first. Draft-07, valid under Ajv 8 strict mode with ajv-formats.
 */

/** Every domain event a plugin may subscribe to. */
export const EVENT_NAMES = Object.keys(eventSchemas) as EventName[];

/** The hooks a plugin may declare. */
export const HOOK_NAMES = ['messageWillBePosted'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** What an install gets when neither its manifest nor its admin says otherwise. */
export const DEFAULT_LIMITS = {
  memoryMb: 64,
  eventTimeoutMs: 1000,
  commandTimeoutMs: 1000,
  hookTimeoutMs: 250,
} as const;

/**
 * The largest `permissions.files.maxBytes`: file bytes cross the isolate boundary as base64 inside JSON, so a
 * read costs about three times the file in memory.
 */
export const MAX_FILE_READ_BYTES = 8 * 1024 * 1024;

/** What an install whose manifest has no `settingsSchema` accepts. */
export const DEFAULT_SETTINGS_SCHEMA = { type: 'object' } as const;

const SEMVER =
  '^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)' +
  '(-(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(\\.(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*)?' +
  '(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$';
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** `api.example.com`, `127.0.0.1`, or `*.example.com` (any subdomain, never the bare domain). */
const HOST = `^(?:\\*\\.${LABEL}(?:\\.${LABEL})+|${LABEL}(?:\\.${LABEL})*)$`;
const CRON_FIELD = '[0-9A-Za-z*,/?#-]+';
const PLUGIN_ID = '^[a-z][a-z0-9-]{1,62}$';
const SEMVER_RANGE = '^[0-9A-Za-z.*^~<>=|+ -]+$';
const COMMAND = '^[a-z][a-z0-9_-]{0,31}$';
const SCHEDULE_NAME = '^[A-Za-z][A-Za-z0-9_-]{0,63}$';
/** Five fields (minute hour day-of-month month day-of-week), six with seconds first, or a macro. */
const CRON = `^(?:@(?:yearly|annually|monthly|weekly|daily|hourly)|${CRON_FIELD}(?:[ \\t]+${CRON_FIELD}){4,5})$`;

export const manifestSchema = {
  $schema: JSON_SCHEMA_DRAFT_07,
  title: 'PluginManifest',
  type: 'object',
  properties: {
    /** Editors may point this at the schema; the server ignores it. */
    $schema: { type: 'string' },
    id: { type: 'string', pattern: PLUGIN_ID },
    name: { type: 'string', minLength: 1, maxLength: 100 },
    version: { type: 'string', pattern: SEMVER, maxLength: 64 },
    /** The SDK versions the plugin was written for, as a semver range (`^0.1.0`). */
    sdkVersion: { type: 'string', minLength: 1, maxLength: 64, pattern: SEMVER_RANGE },
    description: { type: 'string', maxLength: 1000 },
    /** The entry the build tool bundles, relative to plugin.json; `index.ts` when absent. */
    main: { type: 'string', minLength: 1 },
    permissions: {
      type: 'object',
      properties: {
        events: { type: 'array', items: { type: 'string', enum: EVENT_NAMES }, uniqueItems: true },
        /**
         * `write`: post and edit the bot's messages; `read`: read messages the bot may see by id;
         * `addressed`: also receive `message.created` of messages addressed to people (mentions, direct
         * conversations) where the bot was not added, and find those direct conversations with `channels.get`.
         */
        messages: {
          type: 'object',
          properties: {
            write: { type: 'boolean' },
            read: { type: 'boolean' },
            addressed: { type: 'boolean' },
          },
          minProperties: 1,
          additionalProperties: false,
        },
        /** `presence`: read whether workspace members are online, away or offline (`users.presence`). */
        users: {
          type: 'object',
          properties: { presence: { type: 'boolean' } },
          minProperties: 1,
          additionalProperties: false,
        },
        /** `read`: the bytes of files the bot may see (`ctx.files.get`), up to `maxBytes` per file. */
        files: {
          type: 'object',
          properties: {
            read: { type: 'boolean' },
            maxBytes: { type: 'integer', minimum: 1, maximum: MAX_FILE_READ_BYTES },
          },
          required: ['read', 'maxBytes'],
          additionalProperties: false,
        },
        /** Absent: no KV storage at all. */
        kv: {
          type: 'object',
          properties: { quotaBytes: { type: 'integer', minimum: 1 } },
          required: ['quotaBytes'],
          additionalProperties: false,
        },
        http: {
          type: 'object',
          properties: {
            hosts: {
              type: 'array',
              items: { type: 'string', maxLength: 253, pattern: HOST },
              uniqueItems: true,
            },
          },
          required: ['hosts'],
          additionalProperties: false,
        },
        commands: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              /** Without its slash. */
              command: { type: 'string', pattern: COMMAND },
              description: { type: 'string', minLength: 1, maxLength: 200 },
              /** What follows the command, for help: `<city>`. */
              usage: { type: 'string', maxLength: 200 },
            },
            required: ['command', 'description'],
            additionalProperties: false,
          },
        },
        schedules: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              name: { type: 'string', pattern: SCHEDULE_NAME },
              cron: { type: 'string', maxLength: 200, pattern: CRON },
            },
            required: ['name', 'cron'],
            additionalProperties: false,
          },
        },
        hooks: { type: 'array', items: { type: 'string', enum: HOOK_NAMES }, uniqueItems: true },
        /**
         * Clicks and choices on controls of the bot's messages and modals reach the plugin's `actions`, and
         * it may open modals (`ctx.views`), whose submissions reach its `views`.
         */
        interactive: { type: 'boolean' },
      },
      additionalProperties: false,
    },
    /**
     * JSON Schema (draft-07) of an install's settings; properties with `"writeOnly": true` are secrets.
     * Absent: `{"type": "object"}`.
     */
    settingsSchema: {
      type: 'object',
      properties: { type: { const: 'object' } },
      required: ['type'],
    },
    /** What the plugin asks for; an admin may change them per install. */
    limits: {
      type: 'object',
      properties: {
        memoryMb: { type: 'integer', minimum: 8, maximum: 512 },
        /** Events and schedules. */
        eventTimeoutMs: { type: 'integer', minimum: 10, maximum: 30_000 },
        commandTimeoutMs: { type: 'integer', minimum: 10, maximum: 30_000 },
        /** `messageWillBePosted`, which runs while the author waits. */
        hookTimeoutMs: { type: 'integer', minimum: 10, maximum: 5000 },
      },
      additionalProperties: false,
    },
  },
  required: ['id', 'name', 'version', 'sdkVersion', 'permissions'],
  additionalProperties: false,
} as const;

export type PluginManifest = FromSchema<typeof manifestSchema>;
export type PluginPermissions = PluginManifest['permissions'];
export type PluginLimits = {
  memoryMb: number;
  eventTimeoutMs: number;
  commandTimeoutMs: number;
  hookTimeoutMs: number;
};

/** The manifest's settings schema, or DEFAULT_SETTINGS_SCHEMA. */
export const settingsSchemaOf = (manifest: PluginManifest): { type: 'object'; [keyword: string]: unknown } =>
  manifest.settingsSchema ?? DEFAULT_SETTINGS_SCHEMA;

/** A failing field: `path` is slash-separated from the document's root (`permissions/commands/0/command`). */
export interface ManifestError {
  path: string;
  message: string;
}

export type ManifestValidation =
  { ok: true; manifest: PluginManifest } | { ok: false; errors: ManifestError[] };

// Settings are validated with the options the server uses for request bodies, so a schema that compiles here
// compiles there, and defaults are filled in the same way.
const newSettingsAjv = () => addFormats(new Ajv({ allErrors: true, strict: true, useDefaults: true }));

let manifestValidator: ValidateFunction | undefined;

/** What each pattern means, for people: ajv would quote the regular expression. */
const PATTERN_MESSAGES: Record<string, string> = {
  [PLUGIN_ID]: 'must be 2–63 lowercase letters, digits and hyphens, starting with a letter',
  [SEMVER]: 'must be a semantic version, such as 1.0.0 or 2.1.0-beta.1',
  [SEMVER_RANGE]: 'must be a semver range, such as ^0.1.0',
  [HOST]:
    'must be a host name (api.example.com, 127.0.0.1) or a wildcard (*.example.com), without scheme or port',
  [COMMAND]: 'must be 1–32 lowercase letters, digits, _ and -, starting with a letter, without the slash',
  [SCHEDULE_NAME]: 'must be 1–64 letters, digits, _ and -, starting with a letter',
  [CRON]:
    'must be a cron expression of 5 fields (minute hour day month weekday), 6 with seconds, or @hourly etc.',
};

function describe(errors: ErrorObject[] | null | undefined, prefix = ''): ManifestError[] {
  return (errors ?? []).map((error) => {
    const base = error.instancePath.replace(/^\//, '');
    const join = (name: string) => [prefix, base, name].filter(Boolean).join('/');
    if (error.keyword === 'required') {
      return {
        path: join((error.params as { missingProperty: string }).missingProperty),
        message: 'is required',
      };
    }
    if (error.keyword === 'additionalProperties') {
      const field = (error.params as { additionalProperty: string }).additionalProperty;
      return { path: join(field), message: 'is not a known field' };
    }
    const pattern = error.keyword === 'pattern' ? (error.params as { pattern: string }).pattern : '';
    return {
      path: join('') || '(root)',
      message: PATTERN_MESSAGES[pattern] ?? error.message ?? 'is invalid',
    };
  });
}

/**
 * Checks a manifest against `manifestSchema`, then what a schema cannot say: command and schedule names are
 * unique, and `settingsSchema` compiles under Ajv strict mode (its errors are reported at `settingsSchema`).
 * Whether the bundle has a handler for every declared command, hook and event cannot be known from here.
 */
export function validateManifest(manifest: unknown): ManifestValidation {
  manifestValidator ??= addFormats(new Ajv({ allErrors: true, strict: true })).compile(manifestSchema);
  if (!manifestValidator(manifest)) return { ok: false, errors: describe(manifestValidator.errors) };
  const valid = manifest as PluginManifest;
  const errors: ManifestError[] = [];
  const duplicates = (names: string[], list: string, key: string) =>
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index)
        errors.push({ path: `permissions/${list}/${index}/${key}`, message: 'is declared twice' });
    });
  duplicates(
    (valid.permissions.commands ?? []).map((c) => c.command),
    'commands',
    'command',
  );
  duplicates(
    (valid.permissions.schedules ?? []).map((s) => s.name),
    'schedules',
    'name',
  );
  try {
    if (valid.settingsSchema) newSettingsAjv().compile(valid.settingsSchema);
  } catch (error) {
    errors.push({
      path: 'settingsSchema',
      message: `is not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, manifest: valid };
}

export type SettingsValidation =
  { ok: true; settings: Record<string, unknown> } | { ok: false; errors: ManifestError[] };

const settingsValidators = new WeakMap<object, ValidateFunction>();

/**
 * Checks an install's settings against the manifest's `settingsSchema` as the server does, filling in
 * defaults. The input is not modified; `settings` is a copy with the defaults. Paths are relative to the
 * settings object (`apiKey`).
 */
export function validateSettings(manifest: PluginManifest, settings: unknown): SettingsValidation {
  const schema = settingsSchemaOf(manifest);
  let validate = settingsValidators.get(schema);
  if (!validate) {
    validate = newSettingsAjv().compile(schema);
    settingsValidators.set(schema, validate);
  }
  const copy: unknown = settings === undefined ? {} : structuredClone(settings);
  if (!validate(copy)) return { ok: false, errors: describe(validate.errors) };
  return { ok: true, settings: copy as Record<string, unknown> };
}

/** The top-level settings marked `"writeOnly": true`: stored for the plugin, never returned by the API. */
export function secretSettingKeys(manifest: PluginManifest): string[] {
  const properties =
    (settingsSchemaOf(manifest) as { properties?: Record<string, unknown> }).properties ?? {};
  return Object.entries(properties)
    .filter(([, schema]) => (schema as { writeOnly?: unknown } | null)?.writeOnly === true)
    .map(([key]) => key);
}

/**
 * Whether `permissions.http.hosts` lets a plugin reach `hostname`: an exact entry matches itself, and
 * `*.example.com` matches any subdomain of example.com (`a.example.com`, `a.b.example.com`) but not
 * example.com itself. Comparison ignores case and a trailing dot. Ports are not part of the match.
 */
export function isHostAllowed(hosts: readonly string[] | undefined, hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === '') return false;
  return (hosts ?? []).some((entry) => {
    const allowed = entry.toLowerCase();
    return allowed.startsWith('*.') ? host.endsWith(allowed.slice(1)) : host === allowed;
  });
}

/** Why `ctx.files.get` refuses a file, in the same words from the server and the test harness. */
export const fileTooLarge = (size: number, maxBytes: number): string =>
  `the file is ${size} bytes, more than the ${maxBytes} bytes permissions.files.maxBytes allows`;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The bytes a `ctx.http.fetch` init sends as `bodyBase64`, or undefined when it has none (a string `body` is
 * sent as it is); throws when `bodyBase64` is not canonical base64 or comes with `body`. For hosts (the
 * server and the test harness), never plugin code: it needs Node's Buffer.
 */
export function fetchBodyBytes(init: { body?: unknown; bodyBase64?: unknown }): Buffer | undefined {
  if (init.bodyBase64 === undefined) return undefined;
  if (init.body !== undefined) throw new Error('send either body or bodyBase64, not both');
  if (typeof init.bodyBase64 !== 'string' || !BASE64.test(init.bodyBase64))
    throw new Error('bodyBase64 must be a base64 string');
  return Buffer.from(init.bodyBase64, 'base64');
}

/** The limits an install runs with: the admin's overrides, else the manifest's, else `DEFAULT_LIMITS`. */
export function effectiveLimits(
  manifest: PluginManifest,
  overrides: Partial<PluginLimits> = {},
): PluginLimits {
  const defined = (limits: Partial<PluginLimits> = {}): Partial<PluginLimits> =>
    Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_LIMITS, ...defined(manifest.limits), ...defined(overrides) };
}

/**
 * How long a handler may run: hooks have their own budget; commands, actions and views answer a person who
 * waits; events and schedules the rest.
 */
export function handlerTimeoutMs(limits: PluginLimits, kind: HandlerKind): number {
  if (kind === 'hook') return limits.hookTimeoutMs;
  if (kind === 'command' || kind === 'action' || kind === 'view') return limits.commandTimeoutMs;
  return limits.eventTimeoutMs;
}
