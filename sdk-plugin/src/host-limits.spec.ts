import { CallQueue, HostFailure, LogLimiter } from './host-limits';

describe('CallQueue', () => {
  it('runs a bounded number at once, queues a bounded number, refuses the rest and cancels the waiting', async () => {
    const queue = new CallQueue(2, 1, 100);
    const started: number[] = [];
    const release: (() => void)[] = [];
    const call = (n: number) => () =>
      new Promise<number>((resolve) => {
        started.push(n);
        release.push(() => resolve(n));
      });
    const first = queue.run(call(1));
    const second = queue.run(call(2));
    const waiting = queue.run(call(3));
    await expect(queue.run(call(4))).rejects.toThrow(new HostFailure(queue.refusal));
    expect(started).toEqual([1, 2]);
    release[0]();
    expect(await first).toBe(1);
    expect(started).toEqual([1, 2, 3]);
    const cancelled = queue.run(call(5));
    queue.cancel('stopped');
    await expect(cancelled).rejects.toThrow('stopped');
    release[1]();
    release[2]();
    expect([await second, await waiting]).toEqual([2, 3]);
    expect(started).toEqual([1, 2, 3]);
  });
});

describe('CallQueue rate', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('starts at most so many calls a second; the others wait their turn', async () => {
    const queue = new CallQueue(10, 10, 3);
    let started = 0;
    const calls = Array.from({ length: 5 }, () => queue.run(() => Promise.resolve(++started)));
    await Promise.resolve();
    expect(started).toBe(3);
    jest.advanceTimersByTime(1000);
    expect(await Promise.all(calls)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('LogLimiter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('admits so many lines a second and reports the dropped ones once per window', () => {
    const reports: number[] = [];
    const limiter = new LogLimiter(3, (dropped) => reports.push(dropped));
    const admitted = Array.from({ length: 10 }, () => limiter.admit()).filter(Boolean).length;
    limiter.countDropped(100);
    expect(admitted).toBe(3);
    expect(reports).toEqual([]);
    jest.advanceTimersByTime(1000);
    expect(reports).toEqual([107]);
    expect(limiter.admit()).toBe(true);
    jest.advanceTimersByTime(1000);
    expect(reports).toEqual([107]);
  });
});
