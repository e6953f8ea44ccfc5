import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { RealtimeController } from './realtime.controller';
import { RealtimeFrames } from './realtime-frames';
import { RealtimeGateway } from './realtime.gateway';
import { RealtimeRepository } from './realtime.repository';
import { RealtimeService } from './realtime.service';

@Module({
  imports: [AuthModule, WorkspacesModule, MembershipsModule],
  controllers: [RealtimeController],
  providers: [RealtimeRepository, RealtimeService, RealtimeGateway, RealtimeFrames],
  exports: [RealtimeFrames, RealtimeGateway],
})
export class RealtimeModule {}
