import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth } from '../common/auth-context';
import { pageSchema } from '../common/pagination';
import { Responds } from '../common/responses';
import { Validate } from '../common/validation';
import type { AuditQuery } from './audit.schemas';
import { auditEntryViewSchema, auditQuerySchema } from './audit.schemas';
import { AuditReaderService } from './audit-reader.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1')
export class AuditController {
  constructor(private readonly reader: AuditReaderService) {}

  @Get('workspaces/:workspaceId/audit')
  @Validate({ query: auditQuerySchema })
  @Responds(200, pageSchema(auditEntryViewSchema))
  workspace(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Query() query: AuditQuery,
  ) {
    return this.reader.workspaceLog(workspaceId, auth.userId, query);
  }

  @Get('audit')
  @Validate({ query: auditQuerySchema })
  @Responds(200, pageSchema(auditEntryViewSchema))
  instance(@CurrentAuth() auth: AuthContext, @Query() query: AuditQuery) {
    return this.reader.instanceLog(auth.userId, query);
  }
}
