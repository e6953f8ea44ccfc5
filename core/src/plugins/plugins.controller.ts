import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth } from '../common/auth-context';
import { Validate } from '../common/validation';
import type { InstallBody, UploadBody } from './plugins.schemas';
import { installSchema, uploadSchema } from './plugins.schemas';
import { PluginsService } from './plugins.service';

@ApiTags('plugins')
@ApiBearerAuth()
@Controller('api/v1')
export class PluginsController {
  constructor(private readonly plugins: PluginsService) {}

  @Get('plugins')
  catalogue() {
    return this.plugins.catalogueView();
  }

  /** Instance admins only (INSTANCE_ADMIN_EMAILS). */
  @Post('plugins')
  @Validate({ body: uploadSchema })
  upload(@CurrentAuth() auth: AuthContext, @Body() body: UploadBody) {
    return this.plugins.upload(auth.userId, body);
  }

  @Get('workspaces/:workspaceId/plugins')
  list(@CurrentAuth() auth: AuthContext, @Param('workspaceId') workspaceId: string) {
    return this.plugins.list(workspaceId, auth.userId);
  }

  @Put('workspaces/:workspaceId/plugins/:pluginId')
  @Validate({ body: installSchema })
  upsert(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('pluginId') pluginId: string,
    @Body() body: InstallBody,
  ) {
    return this.plugins.upsert(workspaceId, auth.userId, pluginId, body);
  }

  @Delete('workspaces/:workspaceId/plugins/:pluginId')
  @HttpCode(204)
  uninstall(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('pluginId') pluginId: string,
  ) {
    return this.plugins.uninstall(workspaceId, auth.userId, pluginId);
  }

  @Get('workspaces/:workspaceId/plugins/:pluginId/invocations')
  invocations(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('pluginId') pluginId: string,
  ) {
    return this.plugins.invocations(workspaceId, auth.userId, pluginId);
  }
}
