import { Model } from 'objection';
import type { Role } from './workspaces.schemas';

export class WorkspaceModel extends Model {
  static override tableName = 'workspaces';
  id!: string;
  name!: string;
  slug!: string;
  createdBy!: string;
  createdAt!: Date;
}

export class WorkspaceMemberModel extends Model {
  static override tableName = 'workspaceMembers';
  static override idColumn = ['workspaceId', 'userId'];
  workspaceId!: string;
  userId!: string;
  role!: Role;
  joinedAt!: Date;
}

export class InviteModel extends Model {
  static override tableName = 'invites';
  id!: string;
  workspaceId!: string;
  codeHash!: Buffer;
  role!: Role;
  maxUses!: number;
  uses!: number;
  expiresAt!: Date;
  createdBy!: string;
  createdAt!: Date;
}
