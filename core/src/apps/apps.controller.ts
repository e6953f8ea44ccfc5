import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth } from '../common/auth-context';
import { Responds } from '../common/responses';
import { Validate } from '../common/validation';
import type { CreateAppBody, CreateAppTokenBody, InstallAppBody, SlackEventsBody } from './apps.schemas';
import {
  appListSchema,
  appWithSigningSecretViewSchema,
  createAppSchema,
  createAppTokenSchema,
  createdAppTokenViewSchema,
  createdAppViewSchema,
  createdInstallViewSchema,
  installAppSchema,
  installedAppListSchema,
  slackEventsSchema,
} from './apps.schemas';
import { AppsService } from './apps.service';

@ApiTags('apps')
@ApiBearerAuth()
@Controller('api/v1/workspaces/:workspaceId')
export class AppsController {
  constructor(private readonly apps: AppsService) {}

  @Post('apps')
  @Validate({ body: createAppSchema })
  @Responds(201, createdAppViewSchema)
  create(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Body() body: CreateAppBody,
  ) {
    return this.apps.create(workspaceId, auth.userId, body);
  }

  @Get('apps')
  @Responds(200, appListSchema)
  list(@CurrentAuth() auth: AuthContext, @Param('workspaceId') workspaceId: string) {
    return this.apps.list(workspaceId, auth.userId);
  }

  /** The apps installed in this workspace, wherever they were registered. */
  @Get('app-installs')
  @Responds(200, installedAppListSchema)
  installs(@CurrentAuth() auth: AuthContext, @Param('workspaceId') workspaceId: string) {
    return this.apps.installs(workspaceId, auth.userId);
  }

  @Get('apps/:appId')
  @Responds(200, appWithSigningSecretViewSchema)
  get(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('appId') appId: string,
  ) {
    return this.apps.get(workspaceId, appId, auth.userId);
  }

  @Delete('apps/:appId')
  @HttpCode(204)
  delete(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('appId') appId: string,
  ) {
    return this.apps.delete(workspaceId, appId, auth.userId);
  }

  /** Slack's Event Subscriptions page: the request URL (verified with Slack's challenge) and event types. */
  @Put('apps/:appId/slack-events')
  @Validate({ body: slackEventsSchema })
  @Responds(200, appWithSigningSecretViewSchema)
  setSlackEvents(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('appId') appId: string,
    @Body() body: SlackEventsBody,
  ) {
    return this.apps.setSlackEvents(workspaceId, appId, auth.userId, body);
  }

  /** Slack's app-level tokens (xapp-…), for Socket Mode: shown once. */
  @Post('apps/:appId/app-tokens')
  @Validate({ body: createAppTokenSchema })
  @Responds(201, createdAppTokenViewSchema)
  createAppToken(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('appId') appId: string,
    @Body() body: CreateAppTokenBody,
  ) {
    return this.apps.createAppToken(workspaceId, appId, auth.userId, body.scopes);
  }

  @Delete('apps/:appId/app-tokens/:tokenId')
  @HttpCode(204)
  revokeAppToken(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('appId') appId: string,
    @Param('tokenId') tokenId: string,
  ) {
    return this.apps.revokeAppToken(workspaceId, appId, tokenId, auth.userId);
  }

  @Post('apps/:appId/install')
  @Validate({ body: installAppSchema })
  @Responds(201, createdInstallViewSchema)
  install(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('appId') appId: string,
    @Body() body: InstallAppBody,
  ) {
    return this.apps.install(workspaceId, appId, auth.userId, body.scopes);
  }

  @Delete('apps/:appId/install')
  @HttpCode(204)
  uninstall(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('appId') appId: string,
  ) {
    return this.apps.uninstall(workspaceId, appId, auth.userId);
  }
}
