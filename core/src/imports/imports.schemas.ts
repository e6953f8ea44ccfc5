import { importViewSchema } from '@jokkaer/sdk-plugin';
import type { FromSchema } from 'json-schema-to-ts';
import { pageQuerySchema, pageSchema } from '../common/pagination';

export { importViewSchema };
export const importPageSchema = pageSchema(importViewSchema);
export const importsQuerySchema = pageQuerySchema;

/** The header naming Slack's export download token: files shared in the export are then downloaded with it. */
export const IMPORT_TOKEN_HEADER = 'x-import-token';

export const importHeadersSchema = {
  type: 'object',
  properties: {
    [IMPORT_TOKEN_HEADER]: { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[\\x21-\\x7e]+$' },
  },
} as const;

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
  filesStored: 0,
  skippedMessages: 0,
});
