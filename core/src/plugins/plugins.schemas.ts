import { DEFAULT_LIMITS as SDK_DEFAULT_LIMITS, manifestSchema } from '@jokkaer/sdk-plugin';
import type { FromSchema } from 'json-schema-to-ts';

const manifestLimits = manifestSchema.properties.limits;
const manifestPermissions = manifestSchema.properties.permissions;
const manifestHosts = manifestSchema.properties.permissions.properties.http.properties.hosts;

export const installSchema = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean' },
    settings: { type: 'object', additionalProperties: true },
    /**
     * Hosts the admin lets this install fetch besides its manifest's `permissions.http.hosts`, in the same
     * syntax (`cal.example.org`, `*.example.org`): the Nextcloud a calendar feed lives on, say.
     */
    allowedHosts: { ...manifestHosts, maxItems: 50 },
    // The manifest's limits, which an admin may override per install, plus the hook's failure policy.
    limits: {
      ...manifestLimits,
      properties: {
        ...manifestLimits.properties,
        /** When the hook fails or times out: post unchanged (false, the default) or refuse the message. */
        hookFailClosed: { type: 'boolean' },
      },
    },
  },
  required: ['enabled'],
  additionalProperties: false,
} as const;
export type InstallBody = FromSchema<typeof installSchema>;

export const uploadSchema = {
  type: 'object',
  properties: {
    /** plugin.json as `jokkaer-plugin build` wrote it. */
    manifest: { type: 'object', additionalProperties: true },
    /** plugin.js: one script; the request body limit (BODY_LIMIT_BYTES) bounds its size. */
    code: { type: 'string', minLength: 1 },
  },
  required: ['manifest', 'code'],
  additionalProperties: false,
} as const;
export type UploadBody = FromSchema<typeof uploadSchema>;

export interface InstallLimits {
  memoryMb: number;
  eventTimeoutMs: number;
  commandTimeoutMs: number;
  hookTimeoutMs: number;
  hookFailClosed: boolean;
}

export const DEFAULT_LIMITS: InstallLimits = { ...SDK_DEFAULT_LIMITS, hookFailClosed: false };

/** A plugin of the catalogue: what it asks for, shown to an admin before they install it. */
export const catalogueItemSchema = {
  title: 'PluginCatalogueItem',
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    version: { type: 'string' },
    description: { type: 'string' },
    /** The manifest's permissions: events and messages it reads, hosts it may call, its commands… */
    permissions: manifestPermissions,
    /** JSON Schema of an install's settings; `writeOnly` properties are secrets. */
    settingsSchema: { type: 'object', additionalProperties: true },
  },
  required: ['id', 'name', 'version', 'description', 'permissions', 'settingsSchema'],
  additionalProperties: false,
} as const;

export const catalogueSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: catalogueItemSchema } },
  required: ['items'],
  additionalProperties: false,
} as const;

export const installViewSchema = {
  title: 'PluginInstall',
  type: 'object',
  properties: {
    pluginId: { type: 'string' },
    workspaceId: { type: 'string', format: 'uuid' },
    version: { type: 'string' },
    enabled: { type: 'boolean' },
    /** Secret (writeOnly) fields are never returned; `secretsSet` names those that hold a value. */
    settings: { type: 'object', additionalProperties: true },
    secretsSet: { type: 'array', items: { type: 'string' } },
    limits: {
      type: 'object',
      properties: {
        memoryMb: { type: 'integer' },
        eventTimeoutMs: { type: 'integer' },
        commandTimeoutMs: { type: 'integer' },
        hookTimeoutMs: { type: 'integer' },
        hookFailClosed: { type: 'boolean' },
      },
      required: ['memoryMb', 'eventTimeoutMs', 'commandTimeoutMs', 'hookTimeoutMs', 'hookFailClosed'],
      additionalProperties: false,
    },
    /** Granted by the admin on top of the manifest's `permissions.http.hosts`. */
    allowedHosts: { type: 'array', items: { type: 'string' } },
    botUserId: { type: 'string', format: 'uuid' },
    /** Why the platform disabled the install (repeated failures); null when enabled or disabled by an admin. */
    disabledReason: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
  required: [
    'pluginId',
    'workspaceId',
    'version',
    'enabled',
    'settings',
    'secretsSet',
    'limits',
    'allowedHosts',
    'botUserId',
    'disabledReason',
    'createdAt',
    'updatedAt',
  ],
  additionalProperties: false,
} as const;
export type InstallView = FromSchema<typeof installViewSchema>;

export const installsSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: installViewSchema } },
  required: ['items'],
  additionalProperties: false,
} as const;

/** How a run ended: `ok`, or the sandbox's failure code. */
export const INVOCATION_OUTCOMES = ['ok', 'error', 'timeout', 'memory', 'missing', 'host'] as const;
export type InvocationOutcome = (typeof INVOCATION_OUTCOMES)[number];

export const invocationsQuerySchema = {
  type: 'object',
  properties: { outcome: { type: 'string', enum: INVOCATION_OUTCOMES } },
  additionalProperties: false,
} as const;
export type InvocationsQuery = FromSchema<typeof invocationsQuerySchema>;

export const invocationViewSchema = {
  title: 'PluginInvocation',
  type: 'object',
  properties: {
    id: { type: 'string' },
    /** `command`, `event`, `schedule`, `hook`… */
    kind: { type: 'string' },
    name: { type: 'string' },
    outcome: { type: 'string', enum: INVOCATION_OUTCOMES },
    durationMs: { type: 'number' },
    message: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'kind', 'name', 'outcome', 'durationMs', 'message', 'createdAt'],
  additionalProperties: false,
} as const;
export type InvocationView = FromSchema<typeof invocationViewSchema>;

export const invocationsSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: invocationViewSchema } },
  required: ['items'],
  additionalProperties: false,
} as const;
