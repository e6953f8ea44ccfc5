import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth, Public } from '../common/auth-context';
import { ProblemException } from '../common/problem';
import { RealtimeService } from './realtime.service';
import { Responds } from '../common/responses';
import { presenceListSchema, ticketViewSchema } from './realtime.schemas';

@ApiTags('realtime')
@ApiBearerAuth()
@Controller('api/v1')
export class RealtimeController {
  constructor(private readonly realtime: RealtimeService) {}

  /** A single-use ticket, valid 60 s, for browsers that cannot set headers on a WebSocket. */
  @Post('realtime/tickets')
  @HttpCode(201)
  @Responds(201, ticketViewSchema)
  ticket(@CurrentAuth() auth: AuthContext) {
    return this.realtime.createTicket(auth);
  }

  /** Reached only without an Upgrade header: the stream is a WebSocket. */
  @Public()
  @Get('realtime')
  upgradeRequired() {
    throw new ProblemException(426, 'Open this URL as a WebSocket (Upgrade: websocket)');
  }

  /** Presence of the workspace's members, for a client's first paint; changes arrive on the socket. */
  @Get('workspaces/:workspaceId/presence')
  @Responds(200, presenceListSchema)
  async presence(@CurrentAuth() auth: AuthContext, @Param('workspaceId') workspaceId: string) {
    return { items: await this.realtime.workspacePresence(workspaceId, auth.userId) };
  }
}
