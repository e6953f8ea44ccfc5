import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth } from '../common/auth-context';
import { Responds } from '../common/responses';
import { Validate } from '../common/validation';
import type { InstallBody, InvocationsQuery, UploadBody } from './plugins.schemas';
import {
  catalogueItemSchema,
  catalogueSchema,
  installSchema,
  installsSchema,
  installViewSchema,
  invocationsQuerySchema,
  invocationsSchema,
  uploadSchema,
} from './plugins.schemas';
import { PluginsService } from './plugins.service';

@ApiTags('plugins')
@ApiBearerAuth()
@Controller('api/v1')
export class PluginsController {
  constructor(private readonly plugins: PluginsService) {}

  @Get('plugins')
  @Responds(200, catalogueSchema)
  catalogue() {
    return this.plugins.catalogueView();
  }

  /** Instance admins only (INSTANCE_ADMIN_EMAILS). */
  @Post('plugins')
  @Validate({ body: uploadSchema })
  @Responds(201, catalogueItemSchema)
  upload(@CurrentAuth() auth: AuthContext, @Body() body: UploadBody) {
    return this.plugins.upload(auth.userId, body);
  }

  @Get('workspaces/:workspaceId/plugins')
  @Responds(200, installsSchema)
  list(@CurrentAuth() auth: AuthContext, @Param('workspaceId') workspaceId: string) {
    return this.plugins.list(workspaceId, auth.userId);
  }

  @Put('workspaces/:workspaceId/plugins/:pluginId')
  @Validate({ body: installSchema })
  @Responds(200, installViewSchema)
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

  /** The latest 100 runs, newest first; `?outcome=` keeps those that ended so. */
  @Get('workspaces/:workspaceId/plugins/:pluginId/invocations')
  @Validate({ query: invocationsQuerySchema })
  @Responds(200, invocationsSchema)
  invocations(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('pluginId') pluginId: string,
    @Query() query: InvocationsQuery,
  ) {
    return this.plugins.invocations(workspaceId, auth.userId, pluginId, query.outcome);
  }
}
