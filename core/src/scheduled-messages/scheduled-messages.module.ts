import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { MessagesModule } from '../messages/messages.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { ScheduledMessageSender } from './scheduled-message-sender';
import { ScheduledMessagesController } from './scheduled-messages.controller';
import { ScheduledMessagesRepository } from './scheduled-messages.repository';
import { ScheduledMessagesService } from './scheduled-messages.service';

@Module({
  imports: [WorkspacesModule, ChannelsModule, MessagesModule],
  controllers: [ScheduledMessagesController],
  providers: [ScheduledMessagesRepository, ScheduledMessagesService, ScheduledMessageSender],
  exports: [ScheduledMessagesService],
})
export class ScheduledMessagesModule {}
