import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { AppsController } from './apps.controller';
import { AppsRepository } from './apps.repository';
import { AppsService } from './apps.service';

@Module({
  imports: [AuthModule, WorkspacesModule],
  controllers: [AppsController],
  providers: [AppsRepository, AppsService],
})
export class AppsModule {}
