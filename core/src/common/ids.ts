import { v7 } from 'uuid';

/** Time-ordered UUIDs (v7): ids sort by creation, which keyset pagination relies on. */
export const newId = (): string => v7();
