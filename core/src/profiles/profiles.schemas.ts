import type { FromSchema } from 'json-schema-to-ts';
import { displayName } from '../auth/auth.schemas';

export const updateProfileSchema = {
  type: 'object',
  properties: { displayName },
  required: ['displayName'],
  additionalProperties: false,
} as const;
export type UpdateProfileBody = FromSchema<typeof updateProfileSchema>;

/**
 * Where a user's avatar is served, versioned so a client may cache it until it changes; null without one.
 * (`GET /users/:userId/avatar` also answers without the version.)
 */
export const avatarUrl = (userId: string, version: string | null): string | null =>
  version ? `/api/v1/users/${userId}/avatar?v=${version}` : null;
