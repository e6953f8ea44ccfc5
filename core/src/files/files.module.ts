import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { FilesController } from './files.controller';
import { FilesRepository } from './files.repository';
import { FilesService } from './files.service';
import { UPLOAD_LIMITS } from './multipart';
import type { UploadLimits } from './multipart';
import { createStorageDriver, STORAGE_DRIVER } from './storage';

@Module({
  imports: [WorkspacesModule],
  controllers: [FilesController],
  providers: [
    FilesRepository,
    FilesService,
    {
      provide: STORAGE_DRIVER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createStorageDriver(config),
    },
    {
      provide: UPLOAD_LIMITS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): UploadLimits => ({
        fileSizeBytes: config.uploadLimitBytes,
        idleTimeoutMs: config.uploadIdleTimeoutSeconds * 1000,
      }),
    },
  ],
  exports: [FilesService, UPLOAD_LIMITS, STORAGE_DRIVER],
})
export class FilesModule {}
