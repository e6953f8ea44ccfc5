/** How `batched` gathers calls. */
export interface BatchLimits {
  /** Most calls run together. */
  max: number;
  /** Most runs at a time: calls made while that many run wait for one to end, and then go together. */
  concurrent: number;
}

/**
 * Gathers calls and runs them together: `one` for a call alone, `many` for two or more (in call order), which
 * settles each call. Calls made in one turn of the event loop go together, and so do those made while
 * `concurrent` runs are under way: the busier the work, the larger its batches (a burst of posts shares a
 * statement and a commit), while a call alone waits for nothing but the end of its turn.
 */
export function batched<I, O>(
  one: (item: I) => Promise<O>,
  many: (items: I[]) => Promise<PromiseSettledResult<O>[]>,
  limits: BatchLimits,
): (item: I) => Promise<O> {
  const waiting: { item: I; resolve: (value: O) => void; reject: (reason: unknown) => void }[] = [];
  let running = 0;
  let scheduled = false;

  const settle = async (taken: typeof waiting): Promise<void> => {
    if (taken.length === 1) {
      const [{ item, resolve, reject }] = taken;
      await one(item).then(resolve, reject);
      return;
    }
    await many(taken.map((call) => call.item)).then(
      (results) =>
        results.forEach((result, index) => {
          if (result.status === 'fulfilled') taken[index].resolve(result.value);
          else taken[index].reject(result.reason);
        }),
      (error: unknown) => taken.forEach((call) => call.reject(error)),
    );
  };
  const start = () => {
    scheduled = false;
    while (waiting.length > 0 && running < limits.concurrent) {
      running += 1;
      void settle(waiting.splice(0, limits.max)).finally(() => {
        running -= 1;
        if (waiting.length > 0) schedule();
      });
    }
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(start);
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (running < limits.concurrent) schedule();
    });
}
