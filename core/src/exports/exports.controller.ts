import { Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth } from '../common/auth-context';
import type { PageQuery } from '../common/pagination';
import { Responds } from '../common/responses';
import { Validate } from '../common/validation';
import { exportPageSchema, exportsQuerySchema, exportViewSchema } from './exports.schemas';
import { ExportsService } from './exports.service';

@ApiTags('exports')
@ApiBearerAuth()
@Controller('api/v1/workspaces/:workspaceId/exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  /** 202 with the queued export, written in the background as a Slack export zip. */
  @Post()
  @HttpCode(202)
  @Responds(202, exportViewSchema)
  start(@CurrentAuth() auth: AuthContext, @Param('workspaceId') workspaceId: string) {
    return this.exports.start(workspaceId, auth.userId);
  }

  @Get()
  @Validate({ query: exportsQuerySchema })
  @Responds(200, exportPageSchema)
  list(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Query() query: PageQuery,
  ) {
    return this.exports.list(workspaceId, auth.userId, query);
  }

  @Get(':exportId')
  @Responds(200, exportViewSchema)
  get(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('exportId') exportId: string,
  ) {
    return this.exports.get(workspaceId, exportId, auth.userId);
  }

  /** The zip, streamed; 409 until the export is done. */
  @Get(':exportId/download')
  @ApiProduces('application/zip')
  async download(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('exportId') exportId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const download = await this.exports.download(workspaceId, exportId, auth.userId);
    await reply
      .headers({
        'content-type': 'application/zip',
        'content-length': String(download.bytes),
        'content-disposition': `attachment; filename="${download.fileName}"`,
        'cache-control': 'private, no-store',
      })
      .send(download.content);
  }

  /** Removes the export and its zip. */
  @Delete(':exportId')
  @HttpCode(204)
  remove(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('exportId') exportId: string,
  ) {
    return this.exports.remove(workspaceId, exportId, auth.userId);
  }
}
