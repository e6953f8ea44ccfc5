import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ChannelsModule } from '../channels/channels.module';
import { CommandsModule } from '../commands/commands.module';
import { MessagesModule } from '../messages/messages.module';
import { SlackModule } from '../slack/slack.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { AppActions } from './app-actions';
import { AppCommands } from './app-commands';
import { AppsController } from './apps.controller';
import { AppsRepository } from './apps.repository';
import { AppsService } from './apps.service';
import { CommandResponsesController } from './command-responses.controller';
import { MessageActionsController } from './message-actions.controller';
import { OAuthController } from './oauth.controller';
import { OAuthService } from './oauth.service';
import { ResponseUrls } from './response-urls';

@Module({
  imports: [
    AuthModule,
    WorkspacesModule,
    ChannelsModule,
    MessagesModule,
    CommandsModule,
    WebhooksModule,
    SlackModule,
  ],
  controllers: [AppsController, CommandResponsesController, MessageActionsController, OAuthController],
  providers: [AppsRepository, AppsService, AppCommands, AppActions, ResponseUrls, OAuthService],
})
export class AppsModule {}
