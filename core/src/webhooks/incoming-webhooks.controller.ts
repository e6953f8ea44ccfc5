import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth, Public } from '../common/auth-context';
import { Validate } from '../common/validation';
import { IncomingWebhooksService } from './incoming-webhooks.service';
import type { CreateIncomingWebhookBody } from './webhooks.schemas';
import { createIncomingWebhookSchema } from './webhooks.schemas';

@ApiTags('webhooks')
@Controller()
export class IncomingWebhooksController {
  constructor(private readonly hooks: IncomingWebhooksService) {}

  @ApiBearerAuth()
  @Post('api/v1/channels/:channelId/incoming-webhooks')
  @Validate({ body: createIncomingWebhookSchema })
  create(
    @CurrentAuth() auth: AuthContext,
    @Param('channelId') channelId: string,
    @Body() body: CreateIncomingWebhookBody,
  ) {
    return this.hooks.create(channelId, auth.userId, body.name);
  }

  @ApiBearerAuth()
  @Get('api/v1/channels/:channelId/incoming-webhooks')
  list(@CurrentAuth() auth: AuthContext, @Param('channelId') channelId: string) {
    return this.hooks.list(channelId, auth.userId);
  }

  @ApiBearerAuth()
  @Delete('api/v1/incoming-webhooks/:hookId')
  @HttpCode(204)
  delete(@CurrentAuth() auth: AuthContext, @Param('hookId') hookId: string) {
    return this.hooks.delete(hookId, auth.userId);
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
