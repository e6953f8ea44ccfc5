import type { Scope } from './api';

/** The scopes an app or a token may be limited to (the server's APP_SCOPES), in the order forms list them. */
export const SCOPES: Scope[] = [
  'channels:read',
  'channels:history',
  'channels:join',
  'chat:write',
  'reactions:write',
  'files:read',
  'files:write',
  'users:read',
  'commands',
];
