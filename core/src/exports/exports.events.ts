import type { ExportView } from './exports.schemas';

export interface ExportEvents {
  /** Told to the person who started the export, as it runs and when it ends. */
  'export.progress': ExportView;
}
