import { Model } from 'objection';

export class UserModel extends Model {
  static override tableName = 'users';
  id!: string;
  email!: string;
  passwordHash!: string | null;
  displayName!: string;
  isBot!: boolean;
  createdAt!: Date;
}

export class TokenModel extends Model {
  static override tableName = 'tokens';
  id!: string;
  userId!: string;
  kind!: string;
  name!: string | null;
  tokenHash!: Buffer;
  expiresAt!: Date | null;
  revokedAt!: Date | null;
  /** App tokens only: the install they act for and what it was granted. */
  installId!: string | null;
  scopes!: string[] | null;
  createdAt!: Date;
}
