import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/auth-context';
import { SlackService } from './slack.service';

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * Slack's Web API (`slackApiUrl: 'https://host/api/slack/'`): POST with a JSON or form body, or GET with a
 * query; the token as a Bearer header or a `token` argument. Slack's own envelope and errors, not problem+json,
 * so authentication happens in the service rather than in the guard.
 */
@ApiTags('slack')
@Public()
@Controller('api/slack')
export class SlackController {
  constructor(private readonly slack: SlackService) {}

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

  private async answer(
    method: string,
    args: Record<string, unknown>,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    const bearer = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const answer = await this.slack.call(method, { args, ...(bearer ? { bearer } : {}) });
    void reply.status(answer.status).headers(answer.headers);
    return answer.body;
  }
}
