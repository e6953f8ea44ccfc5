/** A row of `users`, as knex answers it (columns in camelCase). */
export interface UserRow {
  id: string;
  email: string;
  passwordHash: string | null;
  displayName: string;
  isBot: boolean;
  /** Changes with each avatar upload; null without an avatar. */
  avatarVersion: string | null;
  /** Made by a Slack import for someone who has not claimed it yet (by registering or SSO with its email). */
  placeholder: boolean;
  deactivatedAt: Date | null;
  createdAt: Date;
}

/** A row of `tokens`. */
export interface TokenRow {
  id: string;
  userId: string;
  kind: string;
  name: string | null;
  tokenHash: Buffer;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** App tokens only: the install they act for. */
  installId: string | null;
  /** What an app token or a scoped personal access token was granted; null: all its owner's rights. */
  scopes: string[] | null;
  createdAt: Date;
}
