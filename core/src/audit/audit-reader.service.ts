import { Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';
import type { Page } from '../common/pagination';
import { WorkspacesService } from '../workspaces/workspaces.service';
import type { AuditEntryView, AuditQuery } from './audit.schemas';
import { AuditService } from './audit.service';

/**
 * Who may read which log. Apart from AuditService, which the services that record changes depend on: the rules
 * for reading need those same services (workspace roles, instance admins).
 */
@Injectable()
export class AuditReaderService {
  constructor(
    private readonly audit: AuditService,
    private readonly workspaces: WorkspacesService,
    private readonly auth: AuthService,
  ) {}

  async workspaceLog(workspaceId: string, userId: string, query: AuditQuery): Promise<Page<AuditEntryView>> {
    await this.workspaces.requireAdmin(workspaceId, userId);
    return this.audit.listForWorkspace(workspaceId, query);
  }

  async instanceLog(userId: string, query: AuditQuery): Promise<Page<AuditEntryView>> {
    await this.auth.assertInstanceAdmin(userId, 'read the instance-wide audit log');
    return this.audit.listInstanceWide(query);
  }
}
