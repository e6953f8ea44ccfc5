/** A wake-up for background work, and a way to await a whole run of it that starts after the call. */
export interface Coalesced {
  (): void;
  /** Wakes the work and resolves once a run that began after this call has ended (failed runs included). */
  pass(): Promise<void>;
}

/**
 * Wraps background work so that it runs at most once at a time: a wake-up while it runs makes it run once
 * more afterwards, however many wake-ups came. Work that knows more is waiting wakes itself.
 */
export function coalesced(work: () => Promise<void>, onError: (error: unknown) => void): Coalesced {
  let running = false;
  let again = false;
  // Those awaiting a run that has not started yet.
  let waiting: (() => void)[] = [];
  const wake = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void (async () => {
      try {
        do {
          again = false;
          const covered = waiting;
          waiting = [];
          try {
            await work();
          } finally {
            covered.forEach((resolve) => resolve());
          }
        } while (again);
      } catch (error) {
        onError(error);
      } finally {
        running = false;
        // A failed run ends the loop: nobody is left waiting for a run that will not come.
        waiting.splice(0).forEach((resolve) => resolve());
      }
    })();
  };
  return Object.assign(wake, {
    pass: () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        wake();
      }),
  });
}
