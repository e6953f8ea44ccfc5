import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { LateAnswerGuard } from './late-answers';

/** A fetch the test answers when it chooses, as a slow server would. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const key = ['messages', 'c1'];
const added = (client: QueryClient, id: string) => () =>
  client.setQueryData<string[]>(key, (items) => (items && !items.includes(id) ? [id, ...items] : items));

describe('LateAnswerGuard', () => {
  it('makes a change again to the answer of a fetch that was under way when the event came', async () => {
    const client = new QueryClient();
    const guard = new LateAnswerGuard(client);
    client.setQueryData(key, ['m1']);
    const answer = deferred<string[]>();
    const fetching = client.fetchQuery({ queryKey: key, queryFn: () => answer.promise });
    guard.apply([key], added(client, 'm2'));
    expect(client.getQueryData(key)).toEqual(['m2', 'm1']);
    // The server read the list before m2 was written.
    answer.resolve(['m1']);
    await fetching;
    expect(client.getQueryData(key)).toEqual(['m2', 'm1']);
    guard.dispose();
  });

  it('applies a change once when the answer already has it, and forgets changes once nothing is fetching', async () => {
    const client = new QueryClient();
    const guard = new LateAnswerGuard(client);
    client.setQueryData(key, ['m1']);
    const first = deferred<string[]>();
    const failing = client.fetchQuery({ queryKey: key, queryFn: () => first.promise, retry: false });
    guard.apply([key], added(client, 'm2'));
    first.reject(new Error('offline'));
    await expect(failing).rejects.toThrow('offline');
    // The failed fetch left the change in place; the next answer is newer than the change and wins.
    expect(client.getQueryData(key)).toEqual(['m2', 'm1']);
    await client.fetchQuery({ queryKey: key, queryFn: () => Promise.resolve(['m3', 'm1']) });
    expect(client.getQueryData(key)).toEqual(['m3', 'm1']);
    guard.dispose();
  });

  it('leaves queries alone that were not fetching', () => {
    const client = new QueryClient();
    const guard = new LateAnswerGuard(client);
    client.setQueryData(key, ['m1']);
    let calls = 0;
    guard.apply([key], () => calls++);
    client.setQueryData(key, ['m1', 'm0']);
    expect(calls).toBe(1);
    guard.dispose();
  });
});
