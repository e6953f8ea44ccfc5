import type { FromSchema } from 'json-schema-to-ts';
import { email, password } from './auth.schemas';

export const changePasswordSchema = {
  type: 'object',
  properties: {
    currentPassword: { type: 'string', minLength: 1, maxLength: 256 },
    newPassword: password,
  },
  required: ['currentPassword', 'newPassword'],
  additionalProperties: false,
} as const;
export type ChangePasswordBody = FromSchema<typeof changePasswordSchema>;

export const requestPasswordResetSchema = {
  type: 'object',
  properties: { email },
  required: ['email'],
  additionalProperties: false,
} as const;
export type RequestPasswordResetBody = FromSchema<typeof requestPasswordResetSchema>;

export const confirmPasswordResetSchema = {
  type: 'object',
  properties: {
    /** The `token` of the reset link (`jkpr_…`). */
    token: { type: 'string', minLength: 1, maxLength: 256 },
    newPassword: password,
  },
  required: ['token', 'newPassword'],
  additionalProperties: false,
} as const;
export type ConfirmPasswordResetBody = FromSchema<typeof confirmPasswordResetSchema>;

/** A reset link an instance admin hands to the account's owner themself. */
export interface PasswordResetLinkView {
  userId: string;
  token: string;
  url: string;
  expiresAt: string;
}
