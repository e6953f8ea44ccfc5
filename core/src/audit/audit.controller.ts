import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthService } from '../auth/auth.service';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth } from '../common/auth-context';
import { pageSchema } from '../common/pagination';
import { Responds } from '../common/responses';
import { Validate } from '../common/validation';
import { WorkspacesService } from '../workspaces/workspaces.service';
import type { AuditQuery } from './audit.schemas';
import { auditEntryViewSchema, auditQuerySchema } from './audit.schemas';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly workspaces: WorkspacesService,
    private readonly auth: AuthService,
  ) {}

  @Get('workspaces/:workspaceId/audit')
  @Validate({ query: auditQuerySchema })
  @Responds(200, pageSchema(auditEntryViewSchema))
  async workspace(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Query() query: AuditQuery,
  ) {
    await this.workspaces.requireAdmin(workspaceId, auth.userId);
    return this.audit.listForWorkspace(workspaceId, query);
  }

  @Get('audit')
  @Validate({ query: auditQuerySchema })
  @Responds(200, pageSchema(auditEntryViewSchema))
  async instance(@CurrentAuth() auth: AuthContext, @Query() query: AuditQuery) {
    await this.auth.assertInstanceAdmin(auth.userId, 'read the instance-wide audit log');
    return this.audit.listInstanceWide(query);
  }
}
