/** A row of `files`, as knex answers it (columns in camelCase). */
export interface FileRow {
  id: string;
  workspaceId: string;
  uploaderId: string;
  name: string;
  size: string | number;
  contentType: string;
  storageKey: string;
  createdAt: Date;
}
