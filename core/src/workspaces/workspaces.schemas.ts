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

export const workspaceViewSchema = {
  title: 'WorkspaceView',
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    slug: { type: 'string' },
    /** The caller's role in it. */
    role: { type: 'string', enum: ROLES },
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'name', 'slug', 'role', 'createdAt'],
  additionalProperties: false,
} as const;
export type WorkspaceView = FromSchema<typeof workspaceViewSchema>;

export interface MemberView {
  userId: string;
  displayName: string;
  role: Role;
  isBot: boolean;
  /** See `avatarUrl` in profiles.schemas.ts. */
  avatarUrl: string | null;
  joinedAt: string;
}

export const inviteViewSchema = {
  title: 'InviteView',
  type: 'object',
  properties: {
    /** Names the invite for listing and revoking; the code itself is shown only here, once. */
    id: { type: 'string', format: 'uuid' },
    code: { type: 'string' },
    role: { type: 'string', enum: ROLES },
    maxUses: { type: 'integer' },
    expiresAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'code', 'role', 'maxUses', 'expiresAt'],
  additionalProperties: false,
} as const;
export type InviteView = FromSchema<typeof inviteViewSchema>;

/** An invite still open (neither expired nor used up), as admins list it: without its code. */
export const openInviteSchema = {
  title: 'OpenInvite',
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    role: { type: 'string', enum: ROLES },
    uses: { type: 'integer' },
    maxUses: { type: 'integer' },
    expiresAt: { type: 'string', format: 'date-time' },
    createdBy: { type: 'string', format: 'uuid' },
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'role', 'uses', 'maxUses', 'expiresAt', 'createdBy', 'createdAt'],
  additionalProperties: false,
} as const;
export type OpenInvite = FromSchema<typeof openInviteSchema>;

export const openInvitesSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: openInviteSchema } },
  required: ['items'],
  additionalProperties: false,
} as const;

/** `POST /invites/:code/accept`: the workspace joined and the caller's membership. */
export const acceptedInviteSchema = {
  type: 'object',
  properties: {
    workspace: workspaceViewSchema,
    member: {
      type: 'object',
      properties: { userId: { type: 'string', format: 'uuid' }, role: { type: 'string', enum: ROLES } },
      required: ['userId', 'role'],
      additionalProperties: false,
    },
  },
  required: ['workspace', 'member'],
  additionalProperties: false,
} as const;
