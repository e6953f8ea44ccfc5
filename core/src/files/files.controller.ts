import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from '../common/auth-context';
import { AppScopes, CurrentAuth } from '../common/auth-context';
import { badRequest, ProblemException } from '../common/problem';
import { FilesService, IncomingFile } from './files.service';

@ApiTags('files')
@ApiBearerAuth()
@Controller('api/v1')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Post('workspaces/:workspaceId/files')
  @AppScopes('files:write')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  async upload(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!request.isMultipart()) {
      throw new ProblemException(415, 'Send the file as multipart/form-data in the field "file"', [
        { path: 'file', message: 'must be sent as multipart/form-data' },
      ]);
    }
    const part = await request.file();
    if (part && part.fieldname !== 'file') {
      part.file.resume();
      throw badRequest('The file must be sent in the field "file"', [
        { path: part.fieldname, message: 'is not a known field' },
      ]);
    }
    const incoming: IncomingFile | undefined = part && {
      filename: part.filename,
      mimetype: part.mimetype,
      content: part.file,
      truncated: () => part.file.truncated,
    };
    const view = await this.files.upload(workspaceId, auth.userId, incoming);
    void reply.status(201);
    return view;
  }

  @Get('files/:fileId')
  @AppScopes('files:read')
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
    const encoded = encodeURIComponent(download.file.name);
    const fallback = download.file.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
    await reply
      .headers({
        'content-type': download.contentType,
        'content-length': String(download.file.size),
        'content-disposition': `${download.disposition}; filename="${fallback}"; filename*=UTF-8''${encoded}`,
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': 'private, max-age=0',
      })
      .send(download.content);
  }
}
