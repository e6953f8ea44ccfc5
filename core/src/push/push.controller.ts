import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth } from '../common/auth-context';
import { Responds } from '../common/responses';
import { Validate } from '../common/validation';
import type { PushSettings, PushSubscriptionBody } from './push.schemas';
import {
  pushSettingsSchema,
  pushSubscriptionBodySchema,
  pushSubscriptionViewSchema,
  vapidKeySchema,
} from './push.schemas';
import { PushService } from './push.service';

@ApiTags('push')
@ApiBearerAuth()
@Controller('api/v1')
export class PushController {
  constructor(private readonly push: PushService) {}

  /** The server's VAPID public key: the `applicationServerKey` a browser subscribes with. */
  @Get('push/vapid-key')
  @Responds(200, vapidKeySchema)
  vapidKey() {
    return { publicKey: this.push.vapidKeys.publicKey };
  }

  /** Registers a browser's PushSubscription for the caller (the same endpoint again replaces it). */
  @Post('me/push-subscriptions')
  @Validate({ body: pushSubscriptionBodySchema })
  @Responds(201, pushSubscriptionViewSchema)
  subscribe(@CurrentAuth() auth: AuthContext, @Body() body: PushSubscriptionBody) {
    return this.push.subscribe(auth.userId, body);
  }

  @Delete('me/push-subscriptions/:subscriptionId')
  @HttpCode(204)
  unsubscribe(@CurrentAuth() auth: AuthContext, @Param('subscriptionId') subscriptionId: string) {
    return this.push.unsubscribe(auth.userId, subscriptionId);
  }

  @Get('me/push-settings')
  @Responds(200, pushSettingsSchema)
  settings(@CurrentAuth() auth: AuthContext) {
    return this.push.settings(auth.userId);
  }

  /** Quiet hours (`null`: none): no push between `from` and `to` on the person's clock. */
  @Put('me/push-settings')
  @Validate({ body: pushSettingsSchema })
  @Responds(200, pushSettingsSchema)
  updateSettings(@CurrentAuth() auth: AuthContext, @Body() body: PushSettings) {
    return this.push.updateSettings(auth.userId, body);
  }
}
