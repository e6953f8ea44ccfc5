/**
 * Wraps background work so that it runs at most once at a time: a wake-up while it runs makes it run once
 * more afterwards, however many wake-ups came. Work that knows more is waiting wakes itself.
 */
export function coalesced(work: () => Promise<void>, onError: (error: unknown) => void): () => void {
  let running = false;
  let again = false;
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
          await work();
        } while (again);
      } catch (error) {
        onError(error);
      } finally {
        running = false;
      }
    })();
  };
  return wake;
}
