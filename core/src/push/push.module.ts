import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { EgressModule } from '../egress/egress.module';
import { EventsModule } from '../events/events.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { PushDispatcher } from './push-dispatcher';
import { PushController } from './push.controller';
import { PushRepository } from './push.repository';
import { PushService } from './push.service';

@Module({
  imports: [ChannelsModule, EgressModule, EventsModule, RealtimeModule, WorkspacesModule],
  controllers: [PushController],
  providers: [PushRepository, PushService, PushDispatcher],
})
export class PushModule {}
