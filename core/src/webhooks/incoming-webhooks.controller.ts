import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth, Public } from '../common/auth-context';
import { Validate } from '../common/validation';
import { IncomingWebhooksService } from './incoming-webhooks.service';
import { ServesRemoteImage } from '../messages/remote-images';
import { Responds } from '../common/responses';
import type { CreateIncomingWebhookBody } from './webhooks.schemas';
import {
  createIncomingWebhookSchema,
  incomingWebhookListSchema,
  incomingWebhookWithUrlViewSchema,
} from './webhooks.schemas';

@ApiTags('webhooks')
@Controller()
export class IncomingWebhooksController {
  constructor(private readonly hooks: IncomingWebhooksService) {}

  @ApiBearerAuth()
  @Post('api/v1/channels/:channelId/incoming-webhooks')
  @Validate({ body: createIncomingWebhookSchema })
  @Responds(201, incomingWebhookWithUrlViewSchema)
  create(
    @CurrentAuth() auth: AuthContext,
    @Param('channelId') channelId: string,
    @Body() body: CreateIncomingWebhookBody,
  ) {
    return this.hooks.create(channelId, auth.userId, body.name);
  }

  @ApiBearerAuth()
  @Get('api/v1/channels/:channelId/incoming-webhooks')
  @Responds(200, incomingWebhookListSchema)
  list(@CurrentAuth() auth: AuthContext, @Param('channelId') channelId: string) {
    return this.hooks.list(channelId, auth.userId);
  }

  @ApiBearerAuth()
  @Get('api/v1/workspaces/:workspaceId/incoming-webhooks')
  @Responds(200, incomingWebhookListSchema)
  listInWorkspace(@CurrentAuth() auth: AuthContext, @Param('workspaceId') workspaceId: string) {
    return this.hooks.listInWorkspace(workspaceId, auth.userId);
  }

  /** A new secret URL; the previous one stops working at once. */
  @ApiBearerAuth()
  @Post('api/v1/incoming-webhooks/:hookId/regenerate')
  @HttpCode(200)
  @Responds(200, incomingWebhookWithUrlViewSchema)
  regenerate(@CurrentAuth() auth: AuthContext, @Param('hookId') hookId: string) {
    return this.hooks.regenerate(hookId, auth.userId);
  }

  @ApiBearerAuth()
  @Delete('api/v1/incoming-webhooks/:hookId')
  @HttpCode(204)
  delete(@CurrentAuth() auth: AuthContext, @Param('hookId') hookId: string) {
    return this.hooks.delete(hookId, auth.userId);
  }

  /** The icon an incoming webhook's post asked for, as a small WebP; for those who may read the message. */
  @ApiBearerAuth()
  @Get('api/v1/messages/:messageId/bot-icon')
  @ServesRemoteImage()
  botIcon(@CurrentAuth() auth: AuthContext, @Param('messageId') messageId: string) {
    return this.hooks.botIcon(messageId, auth.userId);
  }

  /** Slack's incoming-webhook protocol: the secret is the URL; the answer is `ok` as Slack gives it. */
  @Public()
  @Post('hooks/:token')
  @HttpCode(200)
  @Header('content-type', 'text/plain; charset=utf-8')
  async receive(@Param('token') token: string, @Body() body: unknown) {
    await this.hooks.receive(token, body);
    return 'ok';
  }
}
