import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth } from '../common/auth-context';
import { Responds } from '../common/responses';
import { Validate } from '../common/validation';
import { SlackInteractivity } from './interactivity';
import {
  viewActionResultSchema,
  viewActionSchema,
  viewSubmitResultSchema,
  viewSubmitSchema,
} from './slack.schemas';
import type { ViewActionBody, ViewSubmitBody } from './slack.schemas';

/** A person's answers to an app's modal (Slack's views), which their browser shows. */
@ApiTags('slack')
@ApiBearerAuth()
@Controller('api/v1/views')
export class ViewsController {
  constructor(private readonly interactivity: SlackInteractivity) {}

  @Post(':viewId/submit')
  @HttpCode(200)
  @Validate({ body: viewSubmitSchema })
  @Responds(200, viewSubmitResultSchema)
  submit(@CurrentAuth() auth: AuthContext, @Param('viewId') viewId: string, @Body() body: ViewSubmitBody) {
    return this.interactivity.submit(viewId, auth.userId, body);
  }

  /** A click or choice on a control inside the modal: block_actions (with the view) to its app or plugin. */
  @Post(':viewId/actions')
  @HttpCode(200)
  @Validate({ body: viewActionSchema })
  @Responds(200, viewActionResultSchema)
  act(@CurrentAuth() auth: AuthContext, @Param('viewId') viewId: string, @Body() body: ViewActionBody) {
    return this.interactivity.act(viewId, auth.userId, body);
  }

  @Post(':viewId/close')
  @HttpCode(204)
  close(@CurrentAuth() auth: AuthContext, @Param('viewId') viewId: string) {
    return this.interactivity.close(viewId, auth.userId);
  }
}
