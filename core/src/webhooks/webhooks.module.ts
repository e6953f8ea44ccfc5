import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ChannelsModule } from '../channels/channels.module';
import { MessagesModule } from '../messages/messages.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { SlackModule } from '../slack/slack.module';
import { IncomingWebhooksController } from './incoming-webhooks.controller';
import { IncomingWebhooksService } from './incoming-webhooks.service';
import { WebhookFanout } from './webhook-fanout';
import { WebhookWorker } from './webhook-worker';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [AuthModule, WorkspacesModule, ChannelsModule, MessagesModule, SlackModule],
  controllers: [WebhooksController, IncomingWebhooksController],
  providers: [WebhooksRepository, WebhooksService, IncomingWebhooksService, WebhookFanout, WebhookWorker],
  exports: [WebhooksService],
})
export class WebhooksModule {}
