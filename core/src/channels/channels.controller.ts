import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthContext } from '../common/auth-context';
import { AppScopes, CurrentAuth } from '../common/auth-context';
import { pageQuerySchema } from '../common/pagination';
import type { PageQuery } from '../common/pagination';
import { Responds, Returns } from '../common/responses';
import { Validate } from '../common/validation';
import type {
  AddMemberBody,
  CreateChannelBody,
  CreateDmBody,
  MarkReadBody,
  NotificationPreferencesBody,
  UpdateChannelBody,
} from './channels.schemas';
import {
  addMemberSchema,
  channelPageSchema,
  channelViewSchema,
  createChannelSchema,
  createDmSchema,
  markReadSchema,
  notificationPreferencesBodySchema,
  notificationPreferencesSchema,
  readStateSchema,
  updateChannelSchema,
} from './channels.schemas';
import { ChannelsService } from './channels.service';

@ApiTags('channels')
@ApiBearerAuth()
@Controller('api/v1')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Post('workspaces/:workspaceId/channels')
  @Responds(201, channelViewSchema)
  @Validate({ body: createChannelSchema })
  create(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Body() body: CreateChannelBody,
  ) {
    return this.channels.create(workspaceId, auth.userId, body);
  }

  @Get('workspaces/:workspaceId/channels')
  @AppScopes('channels:read')
  @Validate({ query: pageQuerySchema })
  @Returns(channelPageSchema)
  list(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Query() page: PageQuery,
  ) {
    return this.channels.list(workspaceId, auth.userId, page);
  }

  /** 201 with a new conversation, 200 with the one these people already have. */
  @Post('workspaces/:workspaceId/dms')
  @Validate({ body: createDmSchema })
  @Responds(200, channelViewSchema)
  @Responds(201, channelViewSchema)
  async openDm(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Body() body: CreateDmBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { created, dm } = await this.channels.openDm(workspaceId, auth.userId, body.userIds);
    void reply.status(created ? 201 : 200);
    return dm;
  }

  @Get('channels/:channelId')
  @AppScopes('channels:read')
  @Returns(channelViewSchema)
  get(@CurrentAuth() auth: AuthContext, @Param('channelId') channelId: string) {
    return this.channels.get(channelId, auth.userId);
  }

  @Patch('channels/:channelId')
  @Validate({ body: updateChannelSchema })
  update(
    @CurrentAuth() auth: AuthContext,
    @Param('channelId') channelId: string,
    @Body() body: UpdateChannelBody,
  ) {
    return this.channels.update(channelId, auth.userId, body);
  }

  @Post('channels/:channelId/join')
  @AppScopes('channels:join')
  @HttpCode(200)
  join(@CurrentAuth() auth: AuthContext, @Param('channelId') channelId: string) {
    return this.channels.join(channelId, auth.userId);
  }

  /** 200 with the read state after the move (unchanged when the marker already stood further on). */
  @Post('channels/:channelId/read')
  @HttpCode(200)
  @Validate({ body: markReadSchema })
  @Responds(200, readStateSchema)
  markRead(
    @CurrentAuth() auth: AuthContext,
    @Param('channelId') channelId: string,
    @Body() body: MarkReadBody,
  ) {
    return this.channels.markRead(channelId, auth.userId, body);
  }

  /** 200 with the caller's preferences in the channel (members only). */
  @Put('channels/:channelId/notification-preferences')
  @Validate({ body: notificationPreferencesBodySchema })
  @Responds(200, notificationPreferencesSchema)
  setNotificationPreferences(
    @CurrentAuth() auth: AuthContext,
    @Param('channelId') channelId: string,
    @Body() body: NotificationPreferencesBody,
  ) {
    return this.channels.setNotificationPreferences(channelId, auth.userId, body.muted);
  }

  @Post('channels/:channelId/leave')
  @HttpCode(204)
  leave(@CurrentAuth() auth: AuthContext, @Param('channelId') channelId: string) {
    return this.channels.leave(channelId, auth.userId);
  }

  @Post('channels/:channelId/members')
  @HttpCode(204)
  @Validate({ body: addMemberSchema })
  addMember(
    @CurrentAuth() auth: AuthContext,
    @Param('channelId') channelId: string,
    @Body() body: AddMemberBody,
  ) {
    return this.channels.addMember(channelId, auth.userId, body.userId);
  }

  @Delete('channels/:channelId/members/:userId')
  @HttpCode(204)
  removeMember(
    @CurrentAuth() auth: AuthContext,
    @Param('channelId') channelId: string,
    @Param('userId') userId: string,
  ) {
    return this.channels.removeMember(channelId, auth.userId, userId);
  }
}
