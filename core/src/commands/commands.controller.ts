import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth } from '../common/auth-context';
import { Responds } from '../common/responses';
import { Validate } from '../common/validation';
import type { RunCommandBody } from './commands.schemas';
import { commandAnswerViewSchema, commandListSchema, runCommandSchema } from './commands.schemas';
import { CommandsService } from './commands.service';

@ApiTags('commands')
@ApiBearerAuth()
@Controller('api/v1')
export class CommandsController {
  constructor(private readonly commands: CommandsService) {}

  /** What the composer offers after `/`: the workspace's commands that the caller may run. */
  @Get('workspaces/:workspaceId/commands')
  @Responds(200, commandListSchema)
  list(@CurrentAuth() auth: AuthContext, @Param('workspaceId') workspaceId: string) {
    return this.commands.list(workspaceId, auth.userId);
  }

  /** `/help` lists what is installed; an unknown command is 404. */
  @Post('channels/:channelId/commands')
  @HttpCode(200)
  @Validate({ body: runCommandSchema })
  @Responds(200, commandAnswerViewSchema)
  run(@CurrentAuth() auth: AuthContext, @Param('channelId') channelId: string, @Body() body: RunCommandBody) {
    return this.commands.run(channelId, auth.userId, body.text, body.threadId);
  }
}
