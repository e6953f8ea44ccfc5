import path from 'node:path';
import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { FilesController } from './files.controller';
import { FilesRepository } from './files.repository';
import { FilesService } from './files.service';
import { LocalDiskStorage, STORAGE_DRIVER } from './storage';

@Module({
  imports: [WorkspacesModule],
  controllers: [FilesController],
  providers: [
    FilesRepository,
    FilesService,
    {
      provide: STORAGE_DRIVER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new LocalDiskStorage(path.join(config.dataDir, 'files')),
    },
  ],
  exports: [FilesService],
})
export class FilesModule {}
