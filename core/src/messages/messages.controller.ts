import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { AppScopes, CurrentAuth } from '../common/auth-context';
import { pageQuerySchema, pageSchema } from '../common/pagination';
import type { PageQuery } from '../common/pagination';
import { badRequest } from '../common/problem';
import { Validate } from '../common/validation';
import type {
  EditMessageBody,
  HistoryQuery,
  MessageImageQuery,
  PostMessageBody,
  ReactionBody,
  SearchQuery,
} from './messages.schemas';
import {
  editMessageSchema,
  historyPageSchema,
  historyQuerySchema,
  messageImageQuerySchema,
  postMessageSchema,
  reactionSchema,
  searchQuerySchema,
} from './messages.schemas';
import { MessagesService } from './messages.service';
import { MessageImagesService } from './message-images.service';
import { ServesRemoteImage } from './remote-images';
import { Responds } from '../common/responses';
import { messageViewSchema } from '@jokkaer/sdk-plugin';

@ApiTags('messages')
@ApiBearerAuth()
@Controller('api/v1')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly images: MessageImagesService,
  ) {}

  @Post('channels/:channelId/messages')
  @AppScopes('chat:write')
  @Validate({ body: postMessageSchema })
  @Responds(201, messageViewSchema)
  post(
    @CurrentAuth() auth: AuthContext,
    @Param('channelId') channelId: string,
    @Body() body: PostMessageBody,
  ) {
    return this.messages.post(channelId, auth, body);
  }

  @Get('channels/:channelId/messages')
  @Responds(200, historyPageSchema)
  @AppScopes('channels:history')
  @Validate({ query: historyQuerySchema })
  list(
    @CurrentAuth() auth: AuthContext,
    @Param('channelId') channelId: string,
    @Query() query: HistoryQuery,
  ) {
    return this.messages.list(channelId, auth.userId, query);
  }

  @Get('messages/:messageId')
  @Responds(200, messageViewSchema)
  @AppScopes('channels:history')
  get(@CurrentAuth() auth: AuthContext, @Param('messageId') messageId: string) {
    return this.messages.get(messageId, auth.userId);
  }

  @Get('messages/:messageId/replies')
  @Responds(200, pageSchema(messageViewSchema))
  @AppScopes('channels:history')
  @Validate({ query: pageQuerySchema })
  replies(@CurrentAuth() auth: AuthContext, @Param('messageId') messageId: string, @Query() page: PageQuery) {
    return this.messages.replies(messageId, auth.userId, page);
  }

  /**
   * An image the message's blocks or attachments show (`url` as it appears there), fetched through the egress
   * guard and re-encoded as WebP: the page's CSP admits only its own images, and readers' addresses stay private.
   */
  @Get('messages/:messageId/images')
  @AppScopes('channels:history')
  @Validate({ query: messageImageQuerySchema })
  @ServesRemoteImage()
  image(
    @CurrentAuth() auth: AuthContext,
    @Param('messageId') messageId: string,
    @Query() query: MessageImageQuery,
  ) {
    return this.images.image(messageId, auth.userId, query.url);
  }

  @Patch('messages/:messageId')
  @AppScopes('chat:write')
  @Validate({ body: editMessageSchema })
  @Responds(200, messageViewSchema)
  edit(
    @CurrentAuth() auth: AuthContext,
    @Param('messageId') messageId: string,
    @Body() body: EditMessageBody,
  ) {
    return this.messages.edit(messageId, auth.userId, body);
  }

  @Delete('messages/:messageId')
  @AppScopes('chat:write')
  @HttpCode(204)
  delete(@CurrentAuth() auth: AuthContext, @Param('messageId') messageId: string) {
    return this.messages.delete(messageId, auth.userId);
  }

  @Post('messages/:messageId/reactions')
  @AppScopes('reactions:write')
  @HttpCode(204)
  @Validate({ body: reactionSchema })
  react(@CurrentAuth() auth: AuthContext, @Param('messageId') messageId: string, @Body() body: ReactionBody) {
    return this.messages.react(messageId, auth.userId, body.emoji, true);
  }

  @Delete('messages/:messageId/reactions/:emoji')
  @AppScopes('reactions:write')
  @HttpCode(204)
  unreact(
    @CurrentAuth() auth: AuthContext,
    @Param('messageId') messageId: string,
    @Param('emoji') emoji: string,
  ) {
    if (!/^\S{1,64}$/u.test(emoji))
      throw badRequest('Invalid emoji', [{ path: 'emoji', message: 'is not an emoji' }]);
    return this.messages.react(messageId, auth.userId, emoji, false);
  }

  @Get('workspaces/:workspaceId/search')
  @Responds(200, pageSchema(messageViewSchema))
  @AppScopes('channels:history')
  @Validate({ query: searchQuerySchema })
  search(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Query() query: SearchQuery,
  ) {
    return this.messages.search(workspaceId, auth.userId, query.q, {
      limit: query.limit,
      cursor: query.cursor,
    });
  }
}
