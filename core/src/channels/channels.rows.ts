import type { ChannelKind } from './channels.schemas';

/** A row of `channels`, as knex answers it (columns in camelCase). */
export interface ChannelRow {
  id: string;
  workspaceId: string;
  name: string | null;
  kind: ChannelKind;
  topic: string;
  archived: boolean;
  dmKey: string | null;
  createdBy: string;
  createdAt: Date;
}
