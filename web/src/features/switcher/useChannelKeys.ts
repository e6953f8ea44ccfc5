import { useEffect } from 'react';
import type { Channel } from '../../lib/api/client';
import { showsUnread } from '../unread/cache';

/**
 * The channel to go to from `currentId` in the sidebar's order: the previous or next one, or with `unreadOnly`
 * the previous or next unread one; wraps around. Undefined when there is nowhere to go.
 */
export function neighbourChannel(
  ordered: Channel[],
  currentId: string | undefined,
  step: 1 | -1,
  unreadOnly: boolean,
): Channel | undefined {
  const at = ordered.findIndex((channel) => channel.id === currentId);
  for (let moved = 1; moved <= ordered.length; moved += 1) {
    const candidate = ordered[(at + step * moved + ordered.length * (moved + 1)) % ordered.length];
    if (!candidate || candidate.id === currentId) return undefined;
    if (!unreadOnly || showsUnread(candidate) || candidate.mentionCount > 0) return candidate;
  }
  return undefined;
}

/**
 * Alt+↑/↓: the previous or next channel; Alt+Shift+↑/↓: the previous or next unread one. Ctrl/Cmd+K: `onSwitcher`.
 * `currentId` is asked at each press: the address changes at once, the rendered screen (a transition) later, so a
 * quick second press must walk on from where the first one went.
 */
export function useChannelKeys(
  ordered: Channel[],
  currentId: () => string | undefined,
  go: (channel: Channel) => void,
  onSwitcher: () => void,
): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        onSwitcher();
        return;
      }
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
      const target = neighbourChannel(ordered, currentId(), event.key === 'ArrowUp' ? -1 : 1, event.shiftKey);
      event.preventDefault();
      if (target) go(target);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [ordered, currentId, go, onSwitcher]);
}
