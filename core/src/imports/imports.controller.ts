import {
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from '../common/auth-context';
import { CurrentAuth } from '../common/auth-context';
import type { PageQuery } from '../common/pagination';
import { Responds } from '../common/responses';
import { assertValid, Validate } from '../common/validation';
import { MultipartUpload } from '../files/multipart';
import type { UploadLimits } from '../files/multipart';
import { IMPORT_UPLOAD_LIMITS } from './import-archives';
import {
  IMPORT_TOKEN_HEADER,
  importHeadersSchema,
  importPageSchema,
  importsQuerySchema,
  importViewSchema,
} from './imports.schemas';
import { ImportsService } from './imports.service';

@ApiTags('imports')
@ApiBearerAuth()
@Controller('api/v1/workspaces/:workspaceId/imports')
export class ImportsController {
  constructor(
    private readonly imports: ImportsService,
    @Inject(IMPORT_UPLOAD_LIMITS) private readonly limits: UploadLimits,
  ) {}

  /**
   * A Slack export zip (multipart, field `file`): 202 with the queued import, which runs in the background.
   * With Slack's export download token in `X-Import-Token`, the files shared in it are downloaded too.
   */
  @Post()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiHeader({
    name: IMPORT_TOKEN_HEADER,
    required: false,
    description: "Slack's export download token: the files shared in the export are downloaded with it",
  })
  @Responds(202, importViewSchema)
  async start(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Headers(IMPORT_TOKEN_HEADER) downloadToken: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertValid(importHeadersSchema, { [IMPORT_TOKEN_HEADER]: downloadToken }, 'headers');
    const upload = MultipartUpload.open(request.raw, this.limits);
    const view = await this.imports.start(workspaceId, auth.userId, upload, downloadToken ?? null);
    void reply.status(202);
    return view;
  }

  @Get()
  @Validate({ query: importsQuerySchema })
  @Responds(200, importPageSchema)
  list(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Query() query: PageQuery,
  ) {
    return this.imports.list(workspaceId, auth.userId, query);
  }

  @Get(':importId')
  @Responds(200, importViewSchema)
  get(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('importId') importId: string,
  ) {
    return this.imports.get(workspaceId, importId, auth.userId);
  }

  /** Undoes the import: everything it created is removed. */
  @Delete(':importId')
  @HttpCode(204)
  undo(
    @CurrentAuth() auth: AuthContext,
    @Param('workspaceId') workspaceId: string,
    @Param('importId') importId: string,
  ) {
    return this.imports.undo(workspaceId, importId, auth.userId);
  }
}
