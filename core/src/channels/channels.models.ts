import { Model, ModelObject } from 'objection';
import type { ChannelKind } from './channels.schemas';

export class ChannelModel extends Model {
  static override tableName = 'channels';
  id!: string;
  workspaceId!: string;
  name!: string | null;
  kind!: ChannelKind;
  topic!: string;
  archived!: boolean;
  dmKey!: string | null;
  createdBy!: string;
  createdAt!: Date;
}

export type ChannelRow = ModelObject<ChannelModel>;
