import { createContext, useContext } from 'react';
import { useShortcodes } from '../../lib/emoji';
import type { MrkdwnContext } from './mrkdwn';
import type { BlockAction } from './types';

export interface BlocksContextValue extends Omit<MrkdwnContext, 'shortcodes'> {
  /** The message the blocks belong to: its images are served through it. */
  messageId: string;
  /** Called when an interactive element is used; absent, they are shown disabled (no app to answer). */
  onAction?: (action: BlockAction) => void;
  /** An action is on its way to the app: the controls wait. */
  pending?: boolean;
}

export const BlocksContext = createContext<BlocksContextValue | null>(null);

/** The message's context plus the emoji shortcodes, once loaded (their table is its own, lazy chunk). */
export function useBlocksContext(): BlocksContextValue & MrkdwnContext {
  const context = useContext(BlocksContext);
  if (!context) throw new Error('Blocks are rendered inside a BlocksContext');
  const shortcodes = useShortcodes();
  return { ...context, shortcodes };
}
