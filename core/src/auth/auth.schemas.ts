import type { FromSchema } from 'json-schema-to-ts';
import { appScopesSchema } from '../common/auth-context';

export const email = { type: 'string', format: 'email', maxLength: 254 } as const;
// Argon2 input is bounded so a huge password cannot be used to burn CPU.
export const password = { type: 'string', minLength: 8, maxLength: 256 } as const;

export const displayName = { type: 'string', minLength: 1, maxLength: 80, pattern: '\\S' } as const;

export const registerSchema = {
  type: 'object',
  properties: {
    email,
    password,
    displayName,
  },
  required: ['email', 'password', 'displayName'],
  additionalProperties: false,
} as const;
export type RegisterBody = FromSchema<typeof registerSchema>;

export const loginSchema = {
  type: 'object',
  properties: { email, password: { type: 'string', minLength: 1, maxLength: 256 } },
  required: ['email', 'password'],
  additionalProperties: false,
} as const;
export type LoginBody = FromSchema<typeof loginSchema>;

export const createTokenSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    expiresAt: { type: 'string', format: 'date-time' },
    /** Limits the token to these app scopes, as an app's token is; without them it acts with all the owner's rights. */
    scopes: { ...appScopesSchema, minItems: 1 },
  },
  required: ['name'],
  additionalProperties: false,
} as const;
export type CreateTokenBody = FromSchema<typeof createTokenSchema>;

/** A user as the API returns it to themself; also the serializer of GET /me (see Returns). */
export const userViewSchema = {
  title: 'UserView',
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    email: { type: 'string' },
    displayName: { type: 'string' },
    /** `/api/v1/users/:userId/avatar?v=…` (the version changes with each upload); null without an avatar. */
    avatarUrl: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'email', 'displayName', 'avatarUrl', 'createdAt'],
  additionalProperties: false,
} as const;

export type UserView = FromSchema<typeof userViewSchema>;

/** GET /me: the user, and whether they are an instance admin (INSTANCE_ADMIN_EMAILS), for the client's menus. */
export const meViewSchema = {
  ...userViewSchema,
  title: 'MeView',
  properties: { ...userViewSchema.properties, instanceAdmin: { type: 'boolean' } },
  required: [...userViewSchema.required, 'instanceAdmin'],
} as const;
export type MeView = FromSchema<typeof meViewSchema>;

export const sessionViewSchema = {
  title: 'SessionView',
  type: 'object',
  properties: { user: userViewSchema, token: { type: 'string' } },
  required: ['user', 'token'],
  additionalProperties: false,
} as const;
export type SessionView = FromSchema<typeof sessionViewSchema>;

export const personalTokenViewSchema = {
  title: 'PersonalTokenView',
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: ['string', 'null'] },
    /** Null: the token acts with all its owner's rights. */
    scopes: { type: ['array', 'null'], items: { type: 'string' } },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'name', 'scopes', 'expiresAt', 'createdAt'],
  additionalProperties: false,
} as const;
export type PersonalTokenView = FromSchema<typeof personalTokenViewSchema>;

export const personalTokenListSchema = {
  title: 'PersonalTokenList',
  type: 'object',
  properties: { items: { type: 'array', items: personalTokenViewSchema } },
  required: ['items'],
  additionalProperties: false,
} as const;

/** What creating a token answers: the token itself, shown this once. */
export const createdPersonalTokenViewSchema = {
  ...personalTokenViewSchema,
  title: 'CreatedPersonalTokenView',
  properties: { ...personalTokenViewSchema.properties, token: { type: 'string' } },
  required: [...personalTokenViewSchema.required, 'token'],
} as const;

/** How people may sign in on this server, for a client's sign-in page (GET /api/v1/auth/providers). */
export const authProvidersViewSchema = {
  title: 'AuthProvidersView',
  type: 'object',
  properties: {
    /** SSO is configured: the page offers "Sign in with SSO" (GET /api/v1/auth/sso/login). */
    sso: { type: 'boolean' },
    /** Mail is configured: a forgotten password can be reset by email (POST /api/v1/auth/password-reset). */
    passwordReset: { type: 'boolean' },
  },
  required: ['sso', 'passwordReset'],
  additionalProperties: false,
} as const;
export type AuthProvidersView = FromSchema<typeof authProvidersViewSchema>;
