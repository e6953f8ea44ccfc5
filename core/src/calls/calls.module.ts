import { Module, OnModuleInit } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { RealtimeFrames } from '../realtime/realtime-frames';
import { RealtimeModule } from '../realtime/realtime.module';
import { CallReaper } from './call-reaper';
import { CallRosters } from './call-rosters';
import { CallsController } from './calls.controller';
import { CallsRepository } from './calls.repository';
import { callSignalFrameSchema } from './calls.schemas';
import { CallsService } from './calls.service';

@Module({
  imports: [ChannelsModule, RealtimeModule],
  controllers: [CallsController],
  providers: [CallsRepository, CallsService, CallReaper, CallRosters],
})
export class CallsModule implements OnModuleInit {
  constructor(
    private readonly frames: RealtimeFrames,
    private readonly calls: CallsService,
  ) {}

  /** Signals travel only between two participants of the same running call; anyone else gets an error. */
  onModuleInit(): void {
    this.frames.register('call.signal', callSignalFrameSchema, async (userId, frame) => {
      const { callId, to, signal } = frame as { callId: string; to: string; signal: unknown };
      if (!(await this.calls.canSignal(callId, userId, to))) return { error: 'Call not found' };
      return { to, frame: { type: 'call.signal', callId, from: userId, signal } };
    });
  }
}
