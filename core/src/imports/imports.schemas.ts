import { importViewSchema } from '@jokkaer/sdk-plugin';
import type { FromSchema } from 'json-schema-to-ts';
import { pageQuerySchema, pageSchema } from '../common/pagination';

export { importViewSchema };
export const importPageSchema = pageSchema(importViewSchema);
export const importsQuerySchema = pageQuerySchema;

export type ImportView = FromSchema<typeof importViewSchema>;
export type ImportStatus = ImportView['status'];
export type ImportCounts = ImportView['counts'];
export type SkippedItem = ImportView['skipped'][number];

/** Where a job is: stored with it, so another instance resumes it at the first day file not yet imported. */
export interface ImportProgress {
  dayFilesTotal: number;
  dayFilesDone: number;
  counts: ImportCounts;
}

export const emptyCounts = (): ImportCounts => ({
  users: 0,
  matchedUsers: 0,
  deactivatedUsers: 0,
  bots: 0,
  channels: 0,
  matchedChannels: 0,
  directMessages: 0,
  messages: 0,
  replies: 0,
  reactions: 0,
  mentions: 0,
  files: 0,
  skippedMessages: 0,
});
