import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { FilesModule } from '../files/files.module';
import type { UploadLimits } from '../files/multipart';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { IMPORT_UPLOAD_LIMITS, ImportArchives } from './import-archives';
import { ImportWorker } from './import-worker';
import { ImportsController } from './imports.controller';
import { ImportsRepository } from './imports.repository';
import { ImportsService } from './imports.service';
import { SlackImporter } from './slack-importer';

@Module({
  imports: [WorkspacesModule, FilesModule],
  controllers: [ImportsController],
  providers: [
    ImportsRepository,
    ImportsService,
    ImportArchives,
    ImportWorker,
    SlackImporter,
    {
      provide: IMPORT_UPLOAD_LIMITS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): UploadLimits => ({
        fileSizeBytes: config.importMaxBytes,
        idleTimeoutMs: config.uploadIdleTimeoutSeconds * 1000,
      }),
    },
  ],
})
export class ImportsModule {}
