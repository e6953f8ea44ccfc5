import { Body, Controller, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth-context';
import { ResponseUrls } from './response-urls';

@ApiTags('apps')
@Controller('hooks/commands')
export class CommandResponsesController {
  constructor(private readonly responseUrls: ResponseUrls) {}

  /** Slack's response_url (slash commands, block actions): the secret is the URL; 5 answers within 30 minutes. */
  @Public()
  @Post(':token')
  @HttpCode(200)
  @Header('content-type', 'text/plain; charset=utf-8')
  async respond(@Param('token') token: string, @Body() body: unknown) {
    await this.responseUrls.respond(token, body);
    return 'ok';
  }
}
