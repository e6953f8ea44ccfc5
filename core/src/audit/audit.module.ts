import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { AuditReaderService } from './audit-reader.service';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

/** Global: every service that makes an audited change records it through AuditService. */
@Global()
@Module({
  imports: [AuthModule, WorkspacesModule],
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, AuditReaderService],
  exports: [AuditService],
})
export class AuditModule {}
