import type { Role } from './workspaces.schemas';

/** A row of `workspaces`, as knex answers it (columns in camelCase). */
export interface WorkspaceRow {
  id: string;
  name: string;
  slug: string;
  createdBy: string;
  createdAt: Date;
}

/** A row of `invites`. */
export interface InviteRow {
  id: string;
  workspaceId: string;
  codeHash: Buffer;
  role: Role;
  maxUses: number;
  uses: number;
  expiresAt: Date;
  createdBy: string;
  createdAt: Date;
}
