import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth } from '../common/auth-context';
import { Responds } from '../common/responses';
import { callJoinSchema } from './calls.schemas';
import { CallsService } from './calls.service';

@ApiTags('calls')
@ApiBearerAuth()
@Controller('api/v1')
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  /** Starts the channel's call or joins the running one: `{call, iceServers}`. */
  @Post('channels/:channelId/calls')
  @HttpCode(200)
  @Responds(200, callJoinSchema)
  join(@CurrentAuth() auth: AuthContext, @Param('channelId') channelId: string) {
    return this.calls.join(channelId, auth.userId);
  }

  @Post('calls/:callId/leave')
  @HttpCode(204)
  leave(@CurrentAuth() auth: AuthContext, @Param('callId') callId: string) {
    return this.calls.leave(callId, auth.userId);
  }
}
