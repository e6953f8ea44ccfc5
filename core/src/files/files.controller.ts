import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from '../common/auth-context';
import { AppScopes, CurrentAuth } from '../common/auth-context';
import { fileViewSchema } from '@jokkaer/sdk-plugin';
import { Responds } from '../common/responses';
import { UNTRUSTED_CONTENT_HEADERS } from './files.schemas';
import { FilesService } from './files.service';
import { MultipartUpload, UPLOAD_LIMITS } from './multipart';
import type { UploadLimits } from './multipart';

@ApiTags('files')
@ApiBearerAuth()
@Controller('api/v1')
export class FilesController {
  constructor(
    private readonly files: FilesService,
    @Inject(UPLOAD_LIMITS) private readonly limits: UploadLimits,
  ) {}

  @Post('workspaces/:workspaceId/files')
  @AppScopes('files:write')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @Responds(201, fileViewSchema)
  async upload(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const upload = MultipartUpload.open(request.raw, this.limits);
    const view = await this.files.upload(workspaceId, auth.userId, upload);
    void reply.status(201);
    return view;
  }

  @Get('files/:fileId')
  @AppScopes('files:read')
  @Responds(200, fileViewSchema)
  get(@CurrentAuth() auth: AuthContext, @Param('fileId') fileId: string) {
    return this.files.get(fileId, auth.userId);
  }

  /** Never rendered as a page of ours: nosniff, a sandboxing CSP, and downloads for anything risky. */
  @Get('files/:fileId/content')
  @AppScopes('files:read')
  async content(
    @CurrentAuth() auth: AuthContext,
    @Param('fileId') fileId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const download = await this.files.download(fileId, auth.userId);
    if (download.redirect) {
      // The URL is the reader's alone and expires soon: no cache may keep the redirect.
      await reply.header('cache-control', 'private, no-store').redirect(download.redirect, 302);
      return;
    }
    await reply
      .headers({
        'content-type': download.headers.contentType,
        'content-length': String(download.file.size),
        'content-disposition': download.headers.contentDisposition,
        ...UNTRUSTED_CONTENT_HEADERS,
        'cache-control': 'private, max-age=0',
      })
      .send(download.content);
  }
}
