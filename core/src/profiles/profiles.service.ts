import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { UserView } from '../auth/auth.schemas';
import { toUserView } from '../auth/auth.service';
import { badRequest, notFound, ProblemException } from '../common/problem';
import { Database } from '../database/database';
import { FILE_FIELD } from '../files/multipart';
import type { MultipartUpload } from '../files/multipart';
import { RateLimiter } from '../rate-limits/rate-limiter';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { AVATAR_CONTENT_TYPE, sniffImageType, toAvatar } from './avatar-image';
import { ProfilesRepository, StoredAvatar } from './profiles.repository';
import type { UpdateProfileBody } from './profiles.schemas';

const ACCEPTED = 'a PNG, JPEG, WebP or GIF image';

/** Decoding a large image costs a second of CPU: a person changes their avatar a few times, not hundreds. */
const AVATAR_UPLOADS = { max: 20, windowSeconds: 3600 };

/** The multipart limits of an avatar upload (AVATAR_UPLOAD_LIMIT_BYTES). */
export const AVATAR_UPLOAD_LIMITS = Symbol('AVATAR_UPLOAD_LIMITS');

@Injectable()
export class ProfilesService {
  constructor(
    private readonly db: Database,
    private readonly repository: ProfilesRepository,
    private readonly workspaces: WorkspacesService,
    private readonly limiter: RateLimiter,
  ) {}

  /** Renames the caller; everyone sharing a workspace with them is told (`workspace.member_updated`). */
  async update(userId: string, input: UpdateProfileBody): Promise<UserView> {
    return this.db.transaction(async () => {
      const user = await this.repository.updateDisplayName(userId, input.displayName);
      await this.workspaces.announceProfileChange(userId);
      return toUserView(user);
    });
  }

  /**
   * Replaces the caller's avatar with the uploaded image, recognised by its content (not its declared type)
   * and stored resized; 415 for anything but the accepted formats, 400 when it does not decode, 429 past 20
   * uploads an hour.
   */
  async setAvatar(userId: string, upload: MultipartUpload): Promise<UserView> {
    const received = await upload.receive(async (file) =>
      Buffer.concat((await file.content.toArray()) as Buffer[]),
    );
    if (!received) throw badRequest('No file was sent', [{ path: FILE_FIELD, message: 'is required' }]);
    // Counted once the body is read (a refusal then leaves no body behind), before the costly decoding.
    await this.limiter.enforce({ key: `avatar-uploads:${userId}`, ...AVATAR_UPLOADS });
    if (!sniffImageType(received.stored)) {
      throw new ProblemException(415, `An avatar is ${ACCEPTED}`, [
        { path: FILE_FIELD, message: `is not ${ACCEPTED}` },
      ]);
    }
    const content = await toAvatar(received.stored).catch(() => {
      throw badRequest('The image cannot be read', [
        { path: FILE_FIELD, message: 'is damaged, or too large in pixels to be read' },
      ]);
    });
    const version = createHash('sha256').update(content).digest('base64url').slice(0, 16);
    return this.db.transaction(async () => {
      const user = await this.repository.saveAvatar(userId, {
        content,
        contentType: AVATAR_CONTENT_TYPE,
        version,
      });
      await this.workspaces.announceProfileChange(userId);
      return toUserView(user);
    });
  }

  /** Removes the caller's avatar, if they have one. */
  async deleteAvatar(userId: string): Promise<void> {
    await this.db.transaction(async () => {
      if (await this.repository.deleteAvatar(userId)) await this.workspaces.announceProfileChange(userId);
    });
  }

  /** A user's avatar, for themself and anyone sharing a workspace with them; 404 otherwise or without one. */
  async avatar(viewerId: string, userId: string): Promise<StoredAvatar> {
    const avatar = (await this.workspaces.shareWorkspace(viewerId, userId))
      ? await this.repository.findAvatar(userId)
      : undefined;
    if (!avatar) throw notFound('Avatar');
    return avatar;
  }
}
