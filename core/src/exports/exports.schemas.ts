import { exportViewSchema } from '@jokkaer/sdk-plugin';
import type { FromSchema } from 'json-schema-to-ts';
import { pageQuerySchema, pageSchema } from '../common/pagination';

export { exportViewSchema };
export const exportPageSchema = pageSchema(exportViewSchema);
export const exportsQuerySchema = pageQuerySchema;

export type ExportView = FromSchema<typeof exportViewSchema>;
export type ExportStatus = ExportView['status'];
export type ExportCounts = ExportView['counts'];

/** Where a job is: stored with it (a job taken over after a crash writes its zip anew). */
export interface ExportProgress {
  conversationsTotal: number;
  conversationsDone: number;
  counts: ExportCounts;
}

export const emptyExportProgress = (): ExportProgress => ({
  conversationsTotal: 0,
  conversationsDone: 0,
  counts: { users: 0, channels: 0, directMessages: 0, messages: 0, replies: 0, reactions: 0, files: 0 },
});
