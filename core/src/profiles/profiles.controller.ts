import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { userViewSchema } from '../auth/auth.schemas';
import type { AuthContext } from '../common/auth-context';
import { AppScopes, CurrentAuth } from '../common/auth-context';
import { Responds } from '../common/responses';
import { Validate } from '../common/validation';
import { UNTRUSTED_CONTENT_HEADERS } from '../files/files.schemas';
import { FILE_FIELD, MultipartUpload } from '../files/multipart';
import type { UploadLimits } from '../files/multipart';
import { AVATAR_CONTENT_TYPE } from './avatar-image';
import type { UpdateProfileBody } from './profiles.schemas';
import { updateProfileSchema } from './profiles.schemas';
import { AVATAR_UPLOAD_LIMITS, ProfilesService } from './profiles.service';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('api/v1')
export class ProfilesController {
  constructor(
    private readonly profiles: ProfilesService,
    @Inject(AVATAR_UPLOAD_LIMITS) private readonly limits: UploadLimits,
  ) {}

  @Patch('me')
  @Validate({ body: updateProfileSchema })
  @Responds(200, userViewSchema)
  update(@CurrentAuth() auth: AuthContext, @Body() body: UpdateProfileBody) {
    return this.profiles.update(auth.userId, body);
  }

  /** A PNG, JPEG, WebP or GIF image (by content) in the field `file`; stored as a 256×256 WebP. */
  @Put('me/avatar')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { [FILE_FIELD]: { type: 'string', format: 'binary' } } } })
  @Responds(200, userViewSchema)
  setAvatar(@CurrentAuth() auth: AuthContext, @Req() request: FastifyRequest) {
    return this.profiles.setAvatar(auth.userId, MultipartUpload.open(request.raw, this.limits));
  }

  @Delete('me/avatar')
  @HttpCode(204)
  deleteAvatar(@CurrentAuth() auth: AuthContext) {
    return this.profiles.deleteAvatar(auth.userId);
  }

  /**
   * For the user themself and anyone sharing a workspace with them (404 otherwise, and without an avatar).
   * Served as file contents are: never rendered as a page of ours.
   */
  @Get('users/:userId/avatar')
  @AppScopes('users:read')
  @ApiResponse({
    status: 200,
    content: { [AVATAR_CONTENT_TYPE]: { schema: { type: 'string', format: 'binary' } } },
  })
  async avatar(
    @CurrentAuth() auth: AuthContext,
    @Param('userId') userId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const avatar = await this.profiles.avatar(auth.userId, userId);
    const etag = `"${avatar.version}"`;
    void reply.headers({
      etag,
      ...UNTRUSTED_CONTENT_HEADERS,
      'cache-control': 'private, max-age=0',
    });
    if (request.headers['if-none-match'] === etag) {
      await reply.status(304).send();
      return;
    }
    await reply.headers({ 'content-type': avatar.contentType }).send(avatar.content);
  }
}
