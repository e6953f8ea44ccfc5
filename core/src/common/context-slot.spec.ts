import { ContextSlot } from './context-slot';

describe('ContextSlot', () => {
  it('follows a call through its awaits, each slot apart from the others', async () => {
    const request = new ContextSlot<string>('request');
    const transaction = new ContextSlot<number>('transaction');
    const seen = await request.run('GET /me', () =>
      transaction.run(7, async () => {
        await new Promise((resolve) => setImmediate(resolve));
        const inside = [request.get(), transaction.get()];
        const cleared = await transaction.run(undefined, async () => {
          await Promise.resolve();
          return [request.get(), transaction.get()];
        });
        return { inside, cleared, after: [request.get(), transaction.get()] };
      }),
    );
    expect(seen).toEqual({
      inside: ['GET /me', 7],
      cleared: ['GET /me', undefined],
      after: ['GET /me', 7],
    });
    expect([request.get(), transaction.get()]).toEqual([undefined, undefined]);
  });

  it('keeps two slots of the same name apart (two databases in one process)', () => {
    const first = new ContextSlot<string>('transaction');
    const second = new ContextSlot<string>('transaction');
    expect(first.run('a', () => [first.get(), second.get()])).toEqual(['a', undefined]);
  });
});
