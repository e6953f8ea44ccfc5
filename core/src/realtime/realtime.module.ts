import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { FrameRateLimiter } from './frame-rate-limiter';
import { PresenceService } from './presence.service';
import { RealtimeController } from './realtime.controller';
import { RealtimeSockets } from './realtime-sockets';
import { RealtimeFrames } from './realtime-frames';
import { RealtimeGateway } from './realtime.gateway';
import { RealtimeRepository } from './realtime.repository';
import { RealtimeService } from './realtime.service';

@Module({
  imports: [AuthModule, WorkspacesModule, MembershipsModule],
  controllers: [RealtimeController],
  providers: [
    RealtimeRepository,
    RealtimeService,
    RealtimeGateway,
    RealtimeSockets,
    PresenceService,
    FrameRateLimiter,
    RealtimeFrames,
  ],
  exports: [RealtimeFrames, PresenceService],
})
export class RealtimeModule {}
