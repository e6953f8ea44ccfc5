import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ChannelsModule } from '../channels/channels.module';
import { CommandsModule } from '../commands/commands.module';
import { FilesModule } from '../files/files.module';
import { MessagesModule } from '../messages/messages.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { SlackModule } from '../slack/slack.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { PluginCatalogue } from './plugin-catalogue';
import { PluginDelivery } from './plugin-delivery';
import { PluginHost } from './plugin-host';
import { PluginScheduler } from './plugin-scheduler';
import { PluginsController } from './plugins.controller';
import { PluginsRepository } from './plugins.repository';
import { PluginsService } from './plugins.service';

@Module({
  imports: [
    AuthModule,
    WorkspacesModule,
    ChannelsModule,
    MessagesModule,
    CommandsModule,
    RealtimeModule,
    FilesModule,
    SlackModule,
  ],
  controllers: [PluginsController],
  providers: [
    PluginsRepository,
    PluginCatalogue,
    PluginHost,
    PluginDelivery,
    PluginScheduler,
    PluginsService,
  ],
})
export class PluginsModule {}
