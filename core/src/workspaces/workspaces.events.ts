import type { MemberView } from './workspaces.schemas';

export type WorkspaceMemberEvent = MemberView & { workspaceId: string };

export interface WorkspaceEvents {
  'workspace.member_joined': WorkspaceMemberEvent;
  /** Role changes; consumers re-evaluate what the member may see. */
  'workspace.member_updated': WorkspaceMemberEvent;
  'workspace.member_left': WorkspaceMemberEvent;
}
