import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ChannelsModule } from '../channels/channels.module';
import { FilesModule } from '../files/files.module';
import { MessagesModule } from '../messages/messages.module';
import { ScheduledMessagesModule } from '../scheduled-messages/scheduled-messages.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { InteractivityRepository } from './interactivity.repository';
import { SlackInteractivity } from './interactivity';
import { SlackEvents } from './slack-events';
import { SlackSocketMode } from './socket-mode';
import { SlackController } from './slack.controller';
import { SlackRepository } from './slack.repository';
import { SlackService } from './slack.service';
import { ViewsController } from './views.controller';

@Module({
  imports: [
    AuthModule,
    WorkspacesModule,
    ChannelsModule,
    MessagesModule,
    FilesModule,
    ScheduledMessagesModule,
  ],
  controllers: [SlackController, ViewsController],
  providers: [
    SlackRepository,
    SlackService,
    SlackEvents,
    SlackSocketMode,
    InteractivityRepository,
    SlackInteractivity,
  ],
  exports: [SlackEvents, SlackSocketMode, SlackInteractivity],
})
export class SlackModule {}
