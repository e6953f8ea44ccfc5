import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ChannelsModule } from '../channels/channels.module';
import { FilesModule } from '../files/files.module';
import { MessagesModule } from '../messages/messages.module';
import { ScheduledMessagesModule } from '../scheduled-messages/scheduled-messages.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { SlackEvents } from './slack-events';
import { SlackSocketMode } from './socket-mode';
import { SlackController } from './slack.controller';
import { SlackRepository } from './slack.repository';
import { SlackService } from './slack.service';

@Module({
  imports: [
    AuthModule,
    WorkspacesModule,
    ChannelsModule,
    MessagesModule,
    FilesModule,
    ScheduledMessagesModule,
  ],
  controllers: [SlackController],
  providers: [SlackRepository, SlackService, SlackEvents, SlackSocketMode],
  exports: [SlackEvents, SlackSocketMode],
})
export class SlackModule {}
