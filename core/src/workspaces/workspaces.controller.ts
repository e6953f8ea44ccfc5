import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../common/auth-context';
import { AppScopes, CurrentAuth } from '../common/auth-context';
import { pageQuerySchema, pageSchema } from '../common/pagination';
import type { PageQuery } from '../common/pagination';
import { Validate } from '../common/validation';
import type { CreateInviteBody, CreateWorkspaceBody, UpdateMemberBody } from './workspaces.schemas';
import { createInviteSchema, createWorkspaceSchema, updateMemberSchema } from './workspaces.schemas';
import { WorkspacesService } from './workspaces.service';
import { Responds } from '../common/responses';
import { memberViewSchema } from '@jokkaer/sdk-plugin';
import {
  acceptedInviteSchema,
  inviteViewSchema,
  openInvitesSchema,
  workspaceViewSchema,
} from './workspaces.schemas';

@ApiTags('workspaces')
@ApiBearerAuth()
@Controller('api/v1')
export class WorkspacesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Post('workspaces')
  @Validate({ body: createWorkspaceSchema })
  @Responds(201, workspaceViewSchema)
  create(@CurrentAuth() auth: AuthContext, @Body() body: CreateWorkspaceBody) {
    return this.workspaces.create(auth.userId, body.name, body.slug);
  }

  @Get('workspaces')
  @Validate({ query: pageQuerySchema })
  @Responds(200, pageSchema(workspaceViewSchema))
  list(@CurrentAuth() auth: AuthContext, @Query() page: PageQuery) {
    return this.workspaces.list(auth.userId, page);
  }

  @Get('workspaces/:workspaceId')
  @Responds(200, workspaceViewSchema)
  @AppScopes('users:read')
  get(@CurrentAuth() auth: AuthContext, @Param('workspaceId') workspaceId: string) {
    return this.workspaces.get(workspaceId, auth.userId);
  }

  @Get('workspaces/:workspaceId/members')
  @Responds(200, pageSchema(memberViewSchema))
  @AppScopes('users:read')
  @Validate({ query: pageQuerySchema })
  members(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Query() page: PageQuery,
  ) {
    return this.workspaces.listMembers(workspaceId, auth.userId, page);
  }

  @Post('workspaces/:workspaceId/invites')
  @Responds(201, inviteViewSchema)
  @Validate({ body: createInviteSchema })
  invite(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Body() body: CreateInviteBody,
  ) {
    return this.workspaces.createInvite(workspaceId, auth.userId, {
      role: body.role,
      expiresInHours: body.expiresInHours,
      maxUses: body.maxUses,
    });
  }

  @Get('workspaces/:workspaceId/invites')
  @Responds(200, openInvitesSchema)
  invites(@CurrentAuth() auth: AuthContext, @Param('workspaceId') workspaceId: string) {
    return this.workspaces.listOpenInvites(workspaceId, auth.userId);
  }

  @Delete('workspaces/:workspaceId/invites/:inviteId')
  @HttpCode(204)
  revokeInvite(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('inviteId') inviteId: string,
  ) {
    return this.workspaces.revokeInvite(workspaceId, auth.userId, inviteId);
  }

  @Post('invites/:code/accept')
  @HttpCode(200)
  @Responds(200, acceptedInviteSchema)
  accept(@CurrentAuth() auth: AuthContext, @Param('code') code: string) {
    return this.workspaces.acceptInvite(code, auth.userId);
  }

  @Patch('workspaces/:workspaceId/members/:userId')
  @Validate({ body: updateMemberSchema })
  updateMember(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('userId') userId: string,
    @Body() body: UpdateMemberBody,
  ) {
    return this.workspaces.updateRole(workspaceId, auth.userId, userId, body.role);
  }

  @Delete('workspaces/:workspaceId/members/:userId')
  @HttpCode(204)
  removeMember(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('userId') userId: string,
  ) {
    return this.workspaces.removeMember(workspaceId, auth.userId, userId);
  }
}
