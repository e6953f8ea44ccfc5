import { Module } from '@nestjs/common';
import { MembershipsModule } from '../memberships/memberships.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { ChannelsController } from './channels.controller';
import { ChannelsRepository } from './channels.repository';
import { ChannelsService } from './channels.service';

@Module({
  imports: [WorkspacesModule, MembershipsModule],
  controllers: [ChannelsController],
  providers: [ChannelsRepository, ChannelsService],
  exports: [ChannelsService],
})
export class ChannelsModule {}
