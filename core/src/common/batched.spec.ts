import { batched } from './batched';

/** A batched doubling that records how it was called: `one` per lone call, `many` with each batch. */
function doubling(max = 10, concurrent = 10) {
  const calls: string[] = [];
  const double = batched<number, number>(
    (item) => {
      calls.push(`one ${item}`);
      return Promise.resolve(item * 2);
    },
    (items) => {
      calls.push(`many ${items.join(',')}`);
      return Promise.resolve(
        items.map((item): PromiseSettledResult<number> =>
          item < 0
            ? { status: 'rejected', reason: new Error(`negative ${item}`) }
            : { status: 'fulfilled', value: item * 2 },
        ),
      );
    },
    { max, concurrent },
  );
  return { calls, double };
}

describe('batched', () => {
  it('runs a call alone by itself', async () => {
    const { calls, double } = doubling();
    expect(await double(2)).toBe(4);
    expect(calls).toEqual(['one 2']);
  });

  it('runs the calls of one turn together, in call order, and settles each with its own result', async () => {
    const { calls, double } = doubling();
    const results = await Promise.allSettled([double(1), double(-2), double(3)]);
    expect(calls).toEqual(['many 1,-2,3']);
    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('negative -2') },
      { status: 'fulfilled', value: 6 },
    ]);
  });

  it('takes at most `max` calls at a time, and calls of a later turn in a batch of their own', async () => {
    const { calls, double } = doubling(2);
    await Promise.all([double(1), double(2), double(3)]);
    await Promise.all([double(4), double(5)]);
    expect(calls).toEqual(['many 1,2', 'one 3', 'many 4,5']);
  });

  it('gathers the calls made while `concurrent` runs are under way, and runs them together after', async () => {
    // Runs that end when the test says: `runs` are their labels, `ends` end them, `began` waits for the n-th.
    const runs: string[] = [];
    const ends: (() => void)[] = [];
    const waiters: { count: number; resolve: () => void }[] = [];
    const begin = (label: string): Promise<void> => {
      runs.push(label);
      waiters.filter((waiter) => runs.length >= waiter.count).forEach((waiter) => waiter.resolve());
      return new Promise((resolve) => ends.push(resolve));
    };
    const began = (count: number) =>
      new Promise<void>((resolve) => (runs.length >= count ? resolve() : waiters.push({ count, resolve })));
    const held = batched<number, number>(
      (item) => begin(`one ${item}`).then(() => item),
      (items) =>
        begin(`many ${items.join(',')}`).then(() =>
          items.map((value): PromiseSettledResult<number> => ({ status: 'fulfilled', value })),
        ),
      { max: 10, concurrent: 1 },
    );
    const first = held(1);
    await began(1);
    const later = [held(2), held(3)];
    const last = held(4);
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toEqual(['one 1']); // the others wait for it
    ends[0]();
    expect(await first).toBe(1);
    await began(2);
    expect(runs).toEqual(['one 1', 'many 2,3,4']);
    ends[1]();
    expect(await Promise.all([...later, last])).toEqual([2, 3, 4]);
  });

  it('fails every call of a batch that fails as a whole', async () => {
    const failing = batched<number, number>(
      () => Promise.resolve(0),
      () => Promise.reject(new Error('database gone')),
      { max: 10, concurrent: 10 },
    );
    const results = await Promise.allSettled([failing(1), failing(2)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});
