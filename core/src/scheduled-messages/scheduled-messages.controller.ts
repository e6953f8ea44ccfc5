import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { AppScopes, CurrentAuth } from '../common/auth-context';
import { pageSchema } from '../common/pagination';
import { Responds } from '../common/responses';
import { Validate } from '../common/validation';
import type {
  EditScheduledMessageBody,
  ScheduledListQuery,
  ScheduleMessageBody,
} from './scheduled-messages.schemas';
import {
  editScheduledMessageSchema,
  scheduledListQuerySchema,
  scheduledMessageViewSchema,
  scheduleMessageSchema,
} from './scheduled-messages.schemas';
import { ScheduledMessagesService } from './scheduled-messages.service';

@ApiTags('scheduled-messages')
@ApiBearerAuth()
@Controller('api/v1')
export class ScheduledMessagesController {
  constructor(private readonly scheduled: ScheduledMessagesService) {}

  /** A message to be posted as the caller at `postAt` (in the future, within 120 days). */
  @Post('channels/:channelId/scheduled-messages')
  @AppScopes('chat:write')
  @Validate({ body: scheduleMessageSchema })
  @Responds(201, scheduledMessageViewSchema)
  schedule(
    @CurrentAuth() auth: AuthContext,
    @Param('channelId') channelId: string,
    @Body() body: ScheduleMessageBody,
  ) {
    return this.scheduled.schedule(channelId, auth, body);
  }

  /** The caller's own scheduled messages in the channel, soonest first. */
  @Get('channels/:channelId/scheduled-messages')
  @AppScopes('chat:write')
  @Validate({ query: scheduledListQuerySchema })
  @Responds(200, pageSchema(scheduledMessageViewSchema))
  listInChannel(
    @CurrentAuth() auth: AuthContext,
    @Param('channelId') channelId: string,
    @Query() query: ScheduledListQuery,
  ) {
    return this.scheduled.list({ channelId }, auth.userId, query);
  }

  /** The caller's own scheduled messages in the workspace, soonest first. */
  @Get('workspaces/:workspaceId/scheduled-messages')
  @AppScopes('chat:write')
  @Validate({ query: scheduledListQuerySchema })
  @Responds(200, pageSchema(scheduledMessageViewSchema))
  list(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Query() query: ScheduledListQuery,
  ) {
    return this.scheduled.list({ workspaceId }, auth.userId, query);
  }

  @Get('scheduled-messages/:scheduledMessageId')
  @AppScopes('chat:write')
  @Responds(200, scheduledMessageViewSchema)
  get(@CurrentAuth() auth: AuthContext, @Param('scheduledMessageId') id: string) {
    return this.scheduled.get(id, auth.userId);
  }

  @Patch('scheduled-messages/:scheduledMessageId')
  @AppScopes('chat:write')
  @Validate({ body: editScheduledMessageSchema })
  @Responds(200, scheduledMessageViewSchema)
  edit(
    @CurrentAuth() auth: AuthContext,
    @Param('scheduledMessageId') id: string,
    @Body() body: EditScheduledMessageBody,
  ) {
    return this.scheduled.edit(id, auth.userId, body);
  }

  @Delete('scheduled-messages/:scheduledMessageId')
  @AppScopes('chat:write')
  @HttpCode(204)
  cancel(@CurrentAuth() auth: AuthContext, @Param('scheduledMessageId') id: string) {
    return this.scheduled.cancel(id, auth.userId);
  }
}
