import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { MessagesModule } from '../messages/messages.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { CommandsController } from './commands.controller';
import { CommandRegistry } from './commands.registry';
import { CommandsService } from './commands.service';

@Module({
  imports: [ChannelsModule, MessagesModule, WorkspacesModule],
  controllers: [CommandsController],
  providers: [CommandRegistry, CommandsService],
  exports: [CommandRegistry],
})
export class CommandsModule {}
