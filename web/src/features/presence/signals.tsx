import { createContext, useCallback, useContext, useRef, useSyncExternalStore, type ReactNode } from 'react';
import type { TypingBook } from './typing';

/** How often the composer repeats "I am typing" while keys keep coming (the server drops faster repeats). */
export const TYPING_REPEAT_MS = 3_000;

interface Typing {
  book: TypingBook;
  /** Tells the channel's other members that this person is typing there. */
  send: (channelId: string) => void;
}

const TypingContext = createContext<Typing | null>(null);

export function TypingProvider({ value, children }: { value: Typing; children: ReactNode }) {
  return <TypingContext.Provider value={value}>{children}</TypingContext.Provider>;
}

const nobody = () => [] as readonly string[];
const ignore = () => () => undefined;

/** Who is typing in a channel now, yourself included when another of your devices is (callers filter). */
export function useTypers(channelId: string): readonly string[] {
  const typing = useContext(TypingContext);
  const book = typing?.book;
  return useSyncExternalStore(book?.subscribe ?? ignore, book ? () => book.typers(channelId) : nobody);
}

/**
 * A callback for each keystroke in a channel's composer: while there is text it sends a typing frame at most
 * every few seconds; an emptied box (or a sent message) lets the next keystroke tell at once.
 */
export function useTypingNotifier(channelId: string): (text: string) => void {
  const typing = useContext(TypingContext);
  const lastSent = useRef(0);
  return useCallback(
    (text: string) => {
      const now = Date.now();
      if (!text.trim()) {
        lastSent.current = 0;
        return;
      }
      if (!typing || now - lastSent.current < TYPING_REPEAT_MS) return;
      lastSent.current = now;
      typing.send(channelId);
    },
    [typing, channelId],
  );
}
