import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { Clock } from '../common/clock';
import { LOGGER } from '../common/logger';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { currentRequest } from './audit-context';
import { AuditFilter, AuditRepository, StoredAuditRow } from './audit.repository';
import type { AuditAction, AuditEntryView, AuditQuery } from './audit.schemas';
import { Timers } from '../common/timers';

const DAY_MS = 86_400_000;
/** A user agent is kept to this length: it is the caller's to choose, and only identifies a client. */
const USER_AGENT_MAX_CHARS = 512;

export interface AuditRecord {
  action: AuditAction;
  workspaceId: string | null;
  target: { kind: string; id: string };
  /** What changed: names and values that are not secret (setting names, roles), never a secret's value. */
  summary?: Record<string, unknown>;
  /** Who acted, when the request has no token (a sign-in); otherwise the request's caller. */
  actorUserId?: string | null;
}

/**
 * The audit log: who changed what, from where. `record` writes in the caller's transaction, so the entry
 * exists exactly when the change does; the caller, address and user agent come from the current request.
 */
@Injectable()
export class AuditService implements OnApplicationBootstrap {
  constructor(
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
    private readonly timers: Timers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timers.every(DAY_MS, () => void this.prune());
    void this.prune();
  }

  async record(entry: AuditRecord): Promise<void> {
    const request = currentRequest();
    const auth = request?.auth;
    const userAgent = request?.headers['user-agent'];
    await this.repository.append({
      createdAt: new Date(this.clock.now()),
      workspaceId: entry.workspaceId,
      actorUserId: entry.actorUserId !== undefined ? entry.actorUserId : (auth?.userId ?? null),
      actorTokenId: auth?.tokenId ?? null,
      actorTokenKind: auth?.tokenKind ?? null,
      action: entry.action,
      targetKind: entry.target.kind,
      targetId: entry.target.id,
      clientAddress: request?.ip ?? null,
      userAgent: userAgent ? userAgent.slice(0, USER_AGENT_MAX_CHARS) : null,
      summary: entry.summary ?? {},
    });
  }

  /** One workspace's entries; the caller has been checked to be one of its owners or admins. */
  listForWorkspace(workspaceId: string, query: AuditQuery): Promise<Page<AuditEntryView>> {
    return this.list({ workspaceId }, query);
  }

  /** Every entry, workspaces' and account-wide ones; the caller has been checked to be an instance admin. */
  listInstanceWide(query: AuditQuery): Promise<Page<AuditEntryView>> {
    return this.list({}, query);
  }

  /** Keeps the log to AUDIT_RETENTION_DAYS; every instance may run it, it is idempotent. */
  async prune(): Promise<number> {
    const before = new Date(this.clock.now() - this.config.auditRetentionDays * DAY_MS);
    try {
      const deleted = await this.repository.pruneBefore(before);
      if (deleted > 0) this.logger.info({ deleted }, 'pruned old audit log entries');
      return deleted;
    } catch (error) {
      this.logger.error({ err: error }, 'pruning the audit log failed; trying again tomorrow');
      return 0;
    }
  }

  private async list(
    scope: Pick<AuditFilter, 'workspaceId'>,
    query: AuditQuery,
  ): Promise<Page<AuditEntryView>> {
    const cursor = decodeCursor(query.cursor, { id: 'bigint' });
    const rows = await this.repository.list({
      ...scope,
      action: query.action,
      actorId: query.actorId,
      since: query.since ? new Date(query.since) : undefined,
      until: query.until ? new Date(query.until) : undefined,
      beforeId: cursor?.id,
      limit: query.limit + 1,
    });
    const page = toPage(rows, query.limit, (last) => ({ id: last.id }));
    return { items: page.items.map(toView), nextCursor: page.nextCursor };
  }
}

function toView(row: StoredAuditRow): AuditEntryView {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    workspaceId: row.workspaceId,
    action: row.action,
    actor: {
      userId: row.actorUserId,
      displayName: row.actorDisplayName,
      tokenId: row.actorTokenId,
      tokenKind: row.actorTokenKind,
    },
    target: { kind: row.targetKind, id: row.targetId },
    clientAddress: row.clientAddress,
    userAgent: row.userAgent,
    summary: row.summary,
  };
}
