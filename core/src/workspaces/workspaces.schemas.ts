import type { FromSchema } from 'json-schema-to-ts';

export const ROLES = ['owner', 'admin', 'member', 'guest'] as const;
export type Role = (typeof ROLES)[number];

export const createWorkspaceSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 80, pattern: '\\S' },
    slug: { type: 'string', pattern: '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$' },
  },
  required: ['name', 'slug'],
  additionalProperties: false,
} as const;
export type CreateWorkspaceBody = FromSchema<typeof createWorkspaceSchema>;

export const createInviteSchema = {
  type: 'object',
  properties: {
    role: { type: 'string', enum: ['admin', 'member', 'guest'], default: 'member' },
    expiresInHours: { type: 'integer', minimum: 1, maximum: 24 * 30, default: 72 },
    maxUses: { type: 'integer', minimum: 1, maximum: 1000, default: 1 },
  },
  additionalProperties: false,
} as const;
export type CreateInviteBody = FromSchema<typeof createInviteSchema>;

export const updateMemberSchema = {
  type: 'object',
  properties: { role: { type: 'string', enum: ROLES } },
  required: ['role'],
  additionalProperties: false,
} as const;
export type UpdateMemberBody = FromSchema<typeof updateMemberSchema>;

export interface WorkspaceView {
  id: string;
  name: string;
  slug: string;
  /** The caller's role in it. */
  role: Role;
  createdAt: string;
}

export interface MemberView {
  userId: string;
  displayName: string;
  role: Role;
  isBot: boolean;
  /** See `avatarUrl` in profiles.schemas.ts. */
  avatarUrl: string | null;
  joinedAt: string;
}

export interface InviteView {
  code: string;
  role: Role;
  maxUses: number;
  expiresAt: string;
}
