import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth } from '../common/auth-context';
import { Responds } from '../common/responses';
import { Validate } from '../common/validation';
import { AppActions } from './app-actions';
import { messageActionResultSchema, messageActionSchema } from './apps.schemas';
import type { MessageActionBody } from './apps.schemas';

@ApiTags('apps')
@ApiBearerAuth()
@Controller('api/v1/messages')
export class MessageActionsController {
  constructor(private readonly actions: AppActions) {}

  /** A click or choice on an app's message: Slack's block_actions to the app that posted it. */
  @Post(':messageId/actions')
  @HttpCode(200)
  @Validate({ body: messageActionSchema })
  @Responds(200, messageActionResultSchema)
  act(
    @CurrentAuth() auth: AuthContext,
    @Param('messageId') messageId: string,
    @Body() body: MessageActionBody,
  ) {
    return this.actions.act(messageId, auth.userId, body);
  }
}
