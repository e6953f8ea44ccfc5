import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ChannelsModule } from '../channels/channels.module';
import { MessagesModule } from '../messages/messages.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { SlackModule } from '../slack/slack.module';
import { IncomingWebhooksController } from './incoming-webhooks.controller';
import { IncomingWebhooksRepository } from './incoming-webhooks.repository';
import { IncomingWebhooksService } from './incoming-webhooks.service';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookFanout } from './webhook-fanout';
import { WebhookWorker } from './webhook-worker';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [AuthModule, WorkspacesModule, ChannelsModule, MessagesModule, SlackModule],
  controllers: [WebhooksController, IncomingWebhooksController],
  providers: [
    WebhooksRepository,
    WebhookDeliveriesRepository,
    IncomingWebhooksRepository,
    WebhooksService,
    IncomingWebhooksService,
    WebhookFanout,
    WebhookWorker,
  ],
  exports: [WebhooksService],
})
export class WebhooksModule {}
