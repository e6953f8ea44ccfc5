import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/auth-context';
import { MultipartUpload, UPLOAD_LIMITS } from '../files/multipart';
import type { UploadLimits } from '../files/multipart';
import { SlackService } from './slack.service';

const BEARER = /^Bearer\s+(\S+)$/i;
const bearerOf = (request: FastifyRequest) => BEARER.exec(request.headers.authorization ?? '')?.[1];

/**
 * Slack's Web API (`slackApiUrl: 'https://host/api/slack/'`): POST with a JSON or form body, or GET with a
 * query; the token as a Bearer header or a `token` argument. Slack's own envelope and errors, not problem+json,
 * so authentication happens in the service rather than in the guard.
 */
@ApiTags('slack')
@Public()
@Controller('api/slack')
export class SlackController {
  constructor(
    private readonly slack: SlackService,
    @Inject(UPLOAD_LIMITS) private readonly limits: UploadLimits,
  ) {}

  @Post(':method')
  @HttpCode(200)
  async post(
    @Param('method') method: string,
    @Query() query: Record<string, unknown>,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {};
    return this.answer(method, { ...query, ...fields }, request, reply);
  }

  @Get(':method')
  async get(
    @Param('method') method: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.answer(method, query, request, reply);
  }

  /** Where files.getUploadURLExternal's upload URLs send the bytes (multipart, field `body`). */
  @Post('uploads/:uploadId')
  @HttpCode(200)
  @Header('content-type', 'text/plain; charset=utf-8')
  upload(@Param('uploadId') uploadId: string, @Req() request: FastifyRequest) {
    const upload = MultipartUpload.open(request.raw, this.limits, 'body');
    return this.slack.receiveUpload(uploadId, bearerOf(request), upload);
  }

  private async answer(
    method: string,
    args: Record<string, unknown>,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    const bearer = bearerOf(request);
    const origin = `${request.protocol}://${request.host}`;
    const answer = await this.slack.call(method, { args, origin, ...(bearer ? { bearer } : {}) });
    void reply.status(answer.status).headers(answer.headers);
    return answer.body;
  }
}
