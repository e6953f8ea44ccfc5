import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth } from '../common/auth-context';
import { Validate } from '../common/validation';
import type { RunCommandBody } from './commands.schemas';
import { runCommandSchema } from './commands.schemas';
import { CommandsService } from './commands.service';

@ApiTags('commands')
@ApiBearerAuth()
@Controller('api/v1')
export class CommandsController {
  constructor(private readonly commands: CommandsService) {}

  /** `/help` lists what is installed; an unknown command is 404. */
  @Post('channels/:channelId/commands')
  @HttpCode(200)
  @Validate({ body: runCommandSchema })
  run(@CurrentAuth() auth: AuthContext, @Param('channelId') channelId: string, @Body() body: RunCommandBody) {
    return this.commands.run(channelId, auth.userId, body.text, body.threadId);
  }
}
