import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import type { UploadLimits } from '../files/multipart';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { ProfilesController } from './profiles.controller';
import { ProfilesRepository } from './profiles.repository';
import { AVATAR_UPLOAD_LIMITS, ProfilesService } from './profiles.service';

@Module({
  imports: [WorkspacesModule],
  controllers: [ProfilesController],
  providers: [
    ProfilesRepository,
    ProfilesService,
    {
      provide: AVATAR_UPLOAD_LIMITS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): UploadLimits => ({
        fileSizeBytes: config.avatarUploadLimitBytes,
        idleTimeoutMs: config.uploadIdleTimeoutSeconds * 1000,
      }),
    },
  ],
})
export class ProfilesModule {}
