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
  createdAt!: Date;
}
