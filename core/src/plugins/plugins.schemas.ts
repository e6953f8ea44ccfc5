import { DEFAULT_LIMITS as SDK_DEFAULT_LIMITS, manifestSchema } from '@jokkaer/sdk-plugin';
import type { FromSchema } from 'json-schema-to-ts';

const manifestLimits = manifestSchema.properties.limits;
const manifestHosts = manifestSchema.properties.permissions.properties.http.properties.hosts;

export const installSchema = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean' },
    settings: { type: 'object' },
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
    manifest: { type: 'object' },
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

export interface InstallView {
  pluginId: string;
  workspaceId: string;
  version: string;
  enabled: boolean;
  /** Secret (writeOnly) fields are never returned. */
  settings: Record<string, unknown>;
  limits: InstallLimits;
  /** Granted by the admin on top of the manifest's `permissions.http.hosts`. */
  allowedHosts: string[];
  botUserId: string;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface InvocationView {
  id: string;
  kind: string;
  name: string;
  outcome: string;
  durationMs: number;
  message: string | null;
  createdAt: string;
}
