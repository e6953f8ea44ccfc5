import { batched } from './batched';

/** A batched doubling that records how it was called: `one` per lone call, `many` with each batch. */
function doubling(max = 10) {
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
    max,
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

  it('fails every call of a batch that fails as a whole', async () => {
    const failing = batched<number, number>(
      () => Promise.resolve(0),
      () => Promise.reject(new Error('database gone')),
      10,
    );
    const results = await Promise.allSettled([failing(1), failing(2)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});
