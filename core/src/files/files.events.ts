import type { FileView } from './files.schemas';

export interface FileEvents {
  'file.uploaded': FileView;
}
