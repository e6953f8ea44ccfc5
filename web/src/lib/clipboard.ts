import { useCallback, useState } from 'react';

export type CopyState = 'idle' | 'copied' | 'failed';

/**
 * Copying text to the clipboard, and how it went. `failed` when the browser refuses: there is no clipboard
 * at all on a plain-http address other than localhost (a server tried out on a LAN), and none without
 * permission or focus. Whoever shows the button then says so, and leaves the text to copy by hand.
 */
export function useClipboard(): { state: CopyState; copy: (text: string) => void; reset: () => void } {
  const [state, setState] = useState<CopyState>('idle');
  const copy = useCallback((text: string) => {
    const clipboard = globalThis.navigator?.clipboard as Clipboard | undefined;
    if (!clipboard) return setState('failed');
    clipboard.writeText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  }, []);
  const reset = useCallback(() => setState('idle'), []);
  return { state, copy, reset };
}
