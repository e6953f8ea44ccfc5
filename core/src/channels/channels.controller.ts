import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthContext } from '../common/auth-context';
import { AppScopes, CurrentAuth } from '../common/auth-context';
import { pageQuerySchema } from '../common/pagination';
import type { PageQuery } from '../common/pagination';
import { Validate } from '../common/validation';
import type { AddMemberBody, CreateChannelBody, CreateDmBody, UpdateChannelBody } from './channels.schemas';
import {
  addMemberSchema,
  createChannelSchema,
  createDmSchema,
  updateChannelSchema,
} from './channels.schemas';
import { ChannelsService } from './channels.service';
import { pageOf, Returns } from '../common/openapi-responses';
import { channelViewSchema } from '@jokkaer/sdk-plugin';
import { channelListItemSchema } from './channels.schemas';

@ApiTags('channels')
@ApiBearerAuth()
@Controller('api/v1')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Post('workspaces/:workspaceId/channels')
  @Returns(channelViewSchema, 201)
  @Validate({ body: createChannelSchema })
  create(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Body() body: CreateChannelBody,
  ) {
    return this.channels.create(workspaceId, auth.userId, body);
  }

  @Get('workspaces/:workspaceId/channels')
  @Returns(pageOf(channelListItemSchema))
  @AppScopes('channels:read')
  @Validate({ query: pageQuerySchema })
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
  @Returns(channelViewSchema)
  @Returns(channelViewSchema, 201)
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
  @Returns(channelViewSchema)
  @AppScopes('channels:read')
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
