/**
 * Gathers the calls made in one turn of the event loop and runs them together: `one` for a call alone,
 * `many` for two or more (at most `max`, in call order), which settles each call. Requests that arrive
 * together (a burst of posts) then share a statement and a commit; a call alone waits for nothing but the
 * end of its turn.
 */
export function batched<I, O>(
  one: (item: I) => Promise<O>,
  many: (items: I[]) => Promise<PromiseSettledResult<O>[]>,
  max: number,
): (item: I) => Promise<O> {
  const waiting: { item: I; resolve: (value: O) => void; reject: (reason: unknown) => void }[] = [];
  const run = () => {
    const taken = waiting.splice(0, max);
    if (waiting.length > 0) setImmediate(run);
    if (taken.length === 1) {
      const [{ item, resolve, reject }] = taken;
      one(item).then(resolve, reject);
      return;
    }
    many(taken.map((call) => call.item)).then(
      (results) =>
        results.forEach((result, index) => {
          if (result.status === 'fulfilled') taken[index].resolve(result.value);
          else taken[index].reject(result.reason);
        }),
      (error: unknown) => taken.forEach((call) => call.reject(error)),
    );
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      if (waiting.length === 0) setImmediate(run);
      waiting.push({ item, resolve, reject });
    });
}
