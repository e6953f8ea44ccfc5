import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth } from '../common/auth-context';
import { pageSchema } from '../common/pagination';
import { Responds } from '../common/responses';
import { Validate } from '../common/validation';
import type {
  CreateWebhookBody,
  DeliveriesQuery,
  RecoverBody,
  RotateSecretBody,
  UpdateWebhookBody,
} from './webhooks.schemas';
import {
  createdWebhookViewSchema,
  createWebhookSchema,
  deliveriesQuerySchema,
  deliveryViewSchema,
  recoverSchema,
  recoveryViewSchema,
  redeliveryViewSchema,
  rotatedSecretViewSchema,
  rotateSecretSchema,
  updateWebhookSchema,
  webhookListSchema,
  webhookViewSchema,
} from './webhooks.schemas';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('api/v1/workspaces/:workspaceId/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Validate({ body: createWebhookSchema })
  @Responds(201, createdWebhookViewSchema)
  create(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Body() body: CreateWebhookBody,
  ) {
    return this.webhooks.create(workspaceId, auth.userId, body);
  }

  @Get()
  @Responds(200, webhookListSchema)
  list(@CurrentAuth() auth: AuthContext, @Param('workspaceId') workspaceId: string) {
    return this.webhooks.list(workspaceId, auth.userId);
  }

  @Get(':webhookId')
  @Responds(200, webhookViewSchema)
  get(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('webhookId') webhookId: string,
  ) {
    return this.webhooks.get(workspaceId, webhookId, auth.userId);
  }

  @Patch(':webhookId')
  @Validate({ body: updateWebhookSchema })
  @Responds(200, webhookViewSchema)
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
  @Responds(200, rotatedSecretViewSchema)
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
  @Responds(200, pageSchema(deliveryViewSchema))
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
  @Responds(202, redeliveryViewSchema)
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
  @Responds(202, recoveryViewSchema)
  recover(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('webhookId') webhookId: string,
    @Body() body: RecoverBody,
  ) {
    return this.webhooks.recover(workspaceId, webhookId, auth.userId, body.since);
  }
}
