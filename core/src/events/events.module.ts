import { Global, Module } from '@nestjs/common';
import { EventBus } from './event-bus';
import { EventFeed } from './event-feed';
import { EventsRepository } from './events.repository';
import { NotifyRepository } from './notify.repository';

@Global()
@Module({
  providers: [EventsRepository, NotifyRepository, EventBus, EventFeed],
  exports: [EventsRepository, EventBus, EventFeed],
})
export class EventsModule {}
