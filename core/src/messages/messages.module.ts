import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { FilesModule } from '../files/files.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { MessageHooks } from './message-hooks';
import { MessageImagesService } from './message-images.service';
import { MessagesController } from './messages.controller';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { RemoteImages } from './remote-images';

@Module({
  imports: [WorkspacesModule, ChannelsModule, FilesModule, RealtimeModule],
  controllers: [MessagesController],
  providers: [MessagesRepository, MessagesService, MessageHooks, RemoteImages, MessageImagesService],
  exports: [MessagesService, MessageHooks, RemoteImages],
})
export class MessagesModule {}
