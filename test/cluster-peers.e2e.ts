import knex from 'knex';
import pino from 'pino';
import { Clock } from '../core/src/common/clock';
import { Timers } from '../core/src/common/timers';
import { Database } from '../core/src/database/database';
import { PostgresTransport, TransportHandlers } from '../core/src/events/cluster-transport';
import type { StoredEvent } from '../core/src/events/events.repository';
import { NotifyRepository } from '../core/src/events/notify.repository';
import { createTestDatabase } from './support/database';
import { eventually } from './support/eventually';

/**
 * Instances on one PostgreSQL find one another through their listening connections: a lone instance sends no
 * wake-ups nor ephemeral messages (nobody would take them), one that starts is told of at once, and one that
 * stops is missed at the next check. (realtime-cluster.e2e.ts shows whole servers delivering across instances.)
 */
const event = (seq: number): StoredEvent => ({
  seq: String(seq),
  id: `01900000-0000-7000-8000-00000000000${seq}`,
  type: 'message.created',
  workspaceId: '01900000-0000-7000-8000-0000000000aa',
  channelId: '01900000-0000-7000-8000-0000000000bb',
  data: { text: `event ${seq}` } as never,
  createdAt: new Date('2030-01-02T03:04:05.000Z'),
});

/** Waits until `check` holds (what a notification, handled in the background, brings about). */
const until = (check: () => boolean, what: string) =>
  eventually(() => Promise.resolve(check() ? true : undefined), what);

/** Handlers that record what an instance was told. */
function recorder() {
  const told = { wakes: 0, committed: [] as StoredEvent[][] };
  const handlers: TransportHandlers = {
    wake: () => void (told.wakes += 1),
    committed: (events) => void told.committed.push(events),
    ephemeral: () => undefined,
  };
  return { told, handlers };
}

it('a lone instance sends nothing; one that starts is woken at once, with the events; one that stops is missed', async () => {
  const url = await createTestDatabase();
  const connections = knex({ client: 'pg', connection: url, pool: { min: 0, max: 4 } });
  const notifications = new NotifyRepository(new Database(connections, url));
  const sent = jest.spyOn(notifications, 'notify');
  const logger = pino({ level: 'silent' });
  const timers = new Timers();
  const transport = (id: string) =>
    new PostgresTransport(notifications, new Clock(), timers, logger, id, 5000);
  const a = transport('instance-a');
  const b = transport('instance-b');
  const onA = recorder();
  const onB = recorder();
  try {
    await a.start(onA.handlers);
    sent.mockClear();
    a.committed([event(1)]);
    a.publishEphemeral({ origin: 'instance-a', kind: 'typing' });
    expect(sent).not.toHaveBeenCalled();

    // B says it listens when it starts: A wakes (B's own wake-up) and from then on wakes B, events carried.
    const wakesBefore = onA.told.wakes;
    await b.start(onB.handlers);
    await until(() => onA.told.wakes > wakesBefore, "B's announcement at A");
    a.committed([event(2), event(3)]);
    await until(() => onB.told.committed.length > 0, "A's wake-up at B");
    expect(onB.told.committed).toEqual([[event(2), event(3)]]);
    // B's wake-ups reach A too; A's own never come back to it.
    b.committed([event(4)]);
    await until(() => onA.told.committed.length > 0, "B's wake-up at A");
    expect(onA.told.committed).toEqual([[event(4)]]);

    // Once B has gone, A's next check finds it alone (B's session may linger a moment in pg_stat_activity).
    await b.close();
    await eventually(async () => {
      await a.refreshPeers();
      sent.mockClear();
      a.committed([event(5)]);
      return sent.mock.calls.length === 0 ? true : undefined;
    }, 'A alone again');
  } finally {
    await a.close();
    await b.close();
    timers.onModuleDestroy();
    await connections.destroy();
  }
});
