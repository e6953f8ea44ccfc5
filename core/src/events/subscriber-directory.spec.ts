import type { StoredEvent } from './events.repository';
import { Subscriber, SubscriberDirectory } from './subscriber-directory';

const W = 'workspace-w';
const V = 'workspace-v';

const event = (seq: number, type: string, workspaceId: string | null, data: object = {}) =>
  ({
    seq: String(seq),
    id: `e${seq}`,
    type,
    workspaceId,
    channelId: null,
    data,
    createdAt: new Date(),
  }) as StoredEvent;
const changed = (seq: number, workspaceId: string) =>
  event(seq, 'webhooks.changed', null, { ofWorkspace: workspaceId });

/** A directory over a mutable table of subscribers, counting its reads. */
function setUp(table: { id: string; workspaceId: string; types: string[] }[]) {
  const reads: (string | undefined)[] = [];
  let failing = false;
  const directory = new SubscriberDirectory<Subscriber>(
    (candidate) => (candidate.data as { ofWorkspace?: string }).ofWorkspace,
    (workspaceId) => {
      reads.push(workspaceId);
      if (failing) return Promise.reject(new Error('database unavailable'));
      return Promise.resolve(
        table
          .filter((row) => workspaceId === undefined || row.workspaceId === workspaceId)
          .map((row) => ({ ...row, wants: (type: string) => row.types.includes(type) })),
      );
    },
  );
  return { directory, reads, fail: (value: boolean) => (failing = value) };
}

describe('SubscriberDirectory', () => {
  it('reads once, then judges batches without a query', async () => {
    const { directory, reads } = setUp([{ id: 'h1', workspaceId: W, types: ['message.created'] }]);
    const first = await directory.sort([event(1, 'message.created', V), event(2, 'reaction.added', W)]);
    expect(first).toEqual({ wanted: new Map(), first: undefined });
    const second = await directory.sort([event(3, 'message.created', W), event(4, 'message.created', W)]);
    expect(second).toEqual({ wanted: new Map([['h1', '4']]), first: '3' });
    expect(reads).toEqual([undefined]);
  });

  it('applies a change in seq order: events before it are judged without the new subscriber', async () => {
    const table: { id: string; workspaceId: string; types: string[] }[] = [];
    const { directory, reads } = setUp(table);
    await directory.sort([]);
    table.push({ id: 'h1', workspaceId: W, types: ['message.created'] });
    const sorted = await directory.sort([
      event(5, 'message.created', W),
      changed(6, W),
      event(7, 'message.created', W),
    ]);
    // Wanted from the change on: it may have events waiting behind its cursor.
    expect(sorted).toEqual({ wanted: new Map([['h1', '7']]), first: '6' });
    expect(reads).toEqual([undefined, W]);
    expect(directory.all().map((subscriber) => subscriber.id)).toEqual(['h1']);

    table.pop();
    await directory.sort([changed(8, W)]);
    expect(directory.all()).toEqual([]);
    expect((await directory.sort([event(9, 'message.created', W)])).wanted.size).toBe(0);
  });

  it('says so when it cannot read, and reads again on the next batch', async () => {
    const { directory, reads, fail } = setUp([{ id: 'h1', workspaceId: W, types: ['message.created'] }]);
    fail(true);
    const sorted = await directory.sort([event(1, 'reaction.added', V), event(2, 'message.created', V)]);
    expect(sorted.failed).toBeInstanceOf(Error);
    expect(sorted.first).toBe('1');
    fail(false);
    expect(await directory.sort([event(3, 'message.created', W)])).toEqual({
      wanted: new Map([['h1', '3']]),
      first: '3',
    });
    expect(reads).toEqual([undefined, undefined]);
  });
});
