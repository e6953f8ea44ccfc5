import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { AuditAction } from './audit.schemas';

export interface AuditRow {
  createdAt: Date;
  workspaceId: string | null;
  actorUserId: string | null;
  actorTokenId: string | null;
  actorTokenKind: string | null;
  action: AuditAction;
  targetKind: string;
  targetId: string;
  clientAddress: string | null;
  userAgent: string | null;
  summary: Record<string, unknown>;
}

export type StoredAuditRow = AuditRow & { id: string; actorDisplayName: string | null };

export interface AuditFilter {
  /** undefined: every workspace and none (the instance-wide log). */
  workspaceId?: string;
  action?: AuditAction;
  actorId?: string;
  since?: Date;
  until?: Date;
  beforeId?: string;
  limit: number;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly db: Database) {}

  /** In the caller's transaction when there is one: the entry commits or rolls back with the change. */
  async append(row: AuditRow): Promise<void> {
    await this.db.conn('auditLog').insert({ ...row, summary: JSON.stringify(row.summary) });
  }

  /** Newest first. */
  async list(filter: AuditFilter): Promise<StoredAuditRow[]> {
    const query = this.db
      .conn('auditLog as a')
      .leftJoin('users as u', 'u.id', 'a.actorUserId')
      .select('a.*', 'u.displayName as actorDisplayName')
      .orderBy('a.id', 'desc')
      .limit(filter.limit);
    if (filter.workspaceId) void query.where('a.workspaceId', filter.workspaceId);
    if (filter.action) void query.where('a.action', filter.action);
    if (filter.actorId) void query.where('a.actorUserId', filter.actorId);
    if (filter.since) void query.where('a.createdAt', '>=', filter.since);
    if (filter.until) void query.where('a.createdAt', '<', filter.until);
    if (filter.beforeId) void query.where('a.id', '<', filter.beforeId);
    const rows = (await query) as (StoredAuditRow & { id: string | number })[];
    return rows.map((row) => ({ ...row, id: String(row.id) }));
  }

  async pruneBefore(before: Date): Promise<number> {
    return await this.db.conn('auditLog').where('createdAt', '<', before).delete();
  }
}
