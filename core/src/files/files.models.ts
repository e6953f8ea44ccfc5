import { Model, ModelObject } from 'objection';

export class FileModel extends Model {
  static override tableName = 'files';
  id!: string;
  workspaceId!: string;
  uploaderId!: string;
  name!: string;
  size!: string | number;
  contentType!: string;
  storageKey!: string;
  createdAt!: Date;
}

export type FileRow = ModelObject<FileModel>;
