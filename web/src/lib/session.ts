import { useSyncExternalStore } from 'react';
import type { Session } from './api/client';

const KEY = 'jokkaer.session';
const listeners = new Set<() => void>();

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

let current = read();

function publish(next: Session | null): void {
  current = next;
  for (const listener of listeners) listener();
}

/** The signed-in person and their session token, kept across reloads (and shared by the tabs of one browser). */
export const session = {
  get: (): Session | null => current,
  set: (next: Session): void => {
    localStorage.setItem(KEY, JSON.stringify(next));
    publish(next);
  },
  clear: (): void => {
    localStorage.removeItem(KEY);
    publish(null);
  },
  subscribe: (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

// Signing out in one tab signs out the others.
window.addEventListener('storage', (event) => {
  if (event.key === KEY) publish(read());
});

export function useSession(): Session | null {
  return useSyncExternalStore(session.subscribe, session.get);
}
