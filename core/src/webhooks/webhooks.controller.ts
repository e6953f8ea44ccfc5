import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth } from '../common/auth-context';
import { Validate } from '../common/validation';
import type {
  CreateWebhookBody,
  DeliveriesQuery,
  RecoverBody,
  RotateSecretBody,
  UpdateWebhookBody,
} from './webhooks.schemas';
import {
  createWebhookSchema,
  deliveriesQuerySchema,
  recoverSchema,
  rotateSecretSchema,
  updateWebhookSchema,
} from './webhooks.schemas';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('api/v1/workspaces/:workspaceId/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Validate({ body: createWebhookSchema })
  create(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Body() body: CreateWebhookBody,
  ) {
    return this.webhooks.create(workspaceId, auth.userId, body);
  }

  @Get()
  list(@CurrentAuth() auth: AuthContext, @Param('workspaceId') workspaceId: string) {
    return this.webhooks.list(workspaceId, auth.userId);
  }

  @Get(':webhookId')
  get(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('webhookId') webhookId: string,
  ) {
    return this.webhooks.get(workspaceId, webhookId, auth.userId);
  }

  @Patch(':webhookId')
  @Validate({ body: updateWebhookSchema })
  update(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('webhookId') webhookId: string,
    @Body() body: UpdateWebhookBody,
  ) {
    return this.webhooks.update(workspaceId, webhookId, auth.userId, body);
  }

  @Delete(':webhookId')
  @HttpCode(204)
  delete(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('webhookId') webhookId: string,
  ) {
    return this.webhooks.delete(workspaceId, webhookId, auth.userId);
  }

  @Post(':webhookId/rotate-secret')
  @HttpCode(200)
  @Validate({ body: rotateSecretSchema })
  rotateSecret(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('webhookId') webhookId: string,
    @Body() body: RotateSecretBody,
  ) {
    return this.webhooks.rotateSecret(workspaceId, webhookId, auth.userId, body.graceSeconds);
  }

  @Get(':webhookId/deliveries')
  @Validate({ query: deliveriesQuerySchema })
  deliveries(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('webhookId') webhookId: string,
    @Query() query: DeliveriesQuery,
  ) {
    return this.webhooks.deliveries(workspaceId, webhookId, auth.userId, query);
  }

  @Post(':webhookId/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  redeliver(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('webhookId') webhookId: string,
    @Param('deliveryId') deliveryId: string,
  ) {
    return this.webhooks.redeliver(workspaceId, webhookId, deliveryId, auth.userId);
  }

  /** Queues again every delivery that failed since a time. */
  @Post(':webhookId/recover')
  @HttpCode(202)
  @Validate({ body: recoverSchema })
  recover(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('webhookId') webhookId: string,
    @Body() body: RecoverBody,
  ) {
    return this.webhooks.recover(workspaceId, webhookId, auth.userId, body.since);
  }
}
