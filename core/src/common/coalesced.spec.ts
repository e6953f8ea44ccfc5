import { coalesced } from './coalesced';

/** Work whose runs the test ends one at a time. */
function controlledWork() {
  const ends: (() => void)[] = [];
  let runs = 0;
  const work = () =>
    new Promise<void>((resolve) => {
      runs += 1;
      ends.push(resolve);
    });
  const endRun = async () => {
    while (ends.length === 0) await new Promise((resolve) => setImmediate(resolve));
    ends.shift()?.();
  };
  return { work, endRun, runs: () => runs };
}

describe('coalesced', () => {
  it('runs once more after the current run however many wake-ups came, and pass() waits for that later run', async () => {
    const { work, endRun, runs } = controlledWork();
    const wake = coalesced(work, () => undefined);
    wake();
    let passed = false;
    const pass = wake.pass().then(() => (passed = true));
    wake();
    await endRun(); // the run that was under way when pass() was called
    await new Promise((resolve) => setImmediate(resolve));
    expect(passed).toBe(false);
    await endRun(); // the one run the three wake-ups asked for
    await pass;
    expect(runs()).toBe(2);
  });

  it('resolves pass() and reports the error when a run fails', async () => {
    const errors: unknown[] = [];
    const wake = coalesced(
      () => Promise.reject(new Error('down')),
      (error) => errors.push(error),
    );
    await wake.pass();
    expect(errors).toEqual([new Error('down')]);
  });
});
