import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth } from '../common/auth-context';
import { Validate } from '../common/validation';
import type { CreateAppBody, InstallAppBody } from './apps.schemas';
import { createAppSchema, installAppSchema } from './apps.schemas';
import { AppsService } from './apps.service';

@ApiTags('apps')
@ApiBearerAuth()
@Controller('api/v1/workspaces/:workspaceId/apps')
export class AppsController {
  constructor(private readonly apps: AppsService) {}

  @Post()
  @Validate({ body: createAppSchema })
  create(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Body() body: CreateAppBody,
  ) {
    return this.apps.create(workspaceId, auth.userId, body);
  }

  @Get()
  list(@CurrentAuth() auth: AuthContext, @Param('workspaceId') workspaceId: string) {
    return this.apps.list(workspaceId, auth.userId);
  }

  @Get(':appId')
  get(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('appId') appId: string,
  ) {
    return this.apps.get(workspaceId, appId, auth.userId);
  }

  @Delete(':appId')
  @HttpCode(204)
  delete(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('appId') appId: string,
  ) {
    return this.apps.delete(workspaceId, appId, auth.userId);
  }

  @Post(':appId/install')
  @Validate({ body: installAppSchema })
  install(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('appId') appId: string,
    @Body() body: InstallAppBody,
  ) {
    return this.apps.install(workspaceId, appId, auth.userId, body.scopes);
  }

  @Delete(':appId/install')
  @HttpCode(204)
  uninstall(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('appId') appId: string,
  ) {
    return this.apps.uninstall(workspaceId, appId, auth.userId);
  }
}
