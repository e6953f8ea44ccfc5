import type { ImportView } from './imports.schemas';

export interface ImportEvents {
  /** Told to the person who started the import, as it runs and when it ends. */
  'import.progress': ImportView;
}
