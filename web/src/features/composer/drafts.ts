import type { PickedMention } from '../../lib/mentions';

/** What is being written in one composer, kept across channel switches and reloads. */
export interface Draft {
  text: string;
  mentions: PickedMention[];
}

const PREFIX = 'jokkaer.draft.';
const EMPTY: Draft = { text: '', mentions: [] };

/** A composer's draft key: one per channel, and one per thread. */
export const draftKey = (channelId: string, threadId: string | null) =>
  threadId ? `${channelId}.${threadId}` : channelId;

export function readDraft(key: string): Draft {
  try {
    const stored = localStorage.getItem(PREFIX + key);
    return stored ? { ...EMPTY, ...(JSON.parse(stored) as Partial<Draft>) } : EMPTY;
  } catch {
    // Storage refused (private browsing) or a corrupt entry: start blank.
    return EMPTY;
  }
}

export function writeDraft(key: string, draft: Draft): void {
  try {
    if (draft.text) localStorage.setItem(PREFIX + key, JSON.stringify(draft));
    else localStorage.removeItem(PREFIX + key);
  } catch {
    // A full or refused storage only loses the draft on reload.
  }
}
