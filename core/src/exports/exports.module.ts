import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { ExportArchives } from './export-archives';
import { ExportWorker } from './export-worker';
import { ExportsController } from './exports.controller';
import { ExportsRepository } from './exports.repository';
import { ExportsService } from './exports.service';
import { SlackExporter } from './slack-exporter';

@Module({
  imports: [WorkspacesModule, FilesModule],
  controllers: [ExportsController],
  providers: [ExportsRepository, ExportsService, ExportArchives, ExportWorker, SlackExporter],
})
export class ExportsModule {}
