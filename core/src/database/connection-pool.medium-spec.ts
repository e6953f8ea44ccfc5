import { mediumTier } from '../../../fixtures/medium';
import { ConnectionPool } from './connection-pool';
import { Database } from './database';
import { isDatabaseUnavailable } from './errors';

const tier = mediumTier([]);

describe('the connection pool', () => {
  let pool: ConnectionPool;
  afterEach(() => pool.destroy());

  it('lends at most its size, counts what it lends, and fails a wait that runs out as the database being unavailable', async () => {
    pool = new ConnectionPool({ url: tier.get(Database).url, max: 2, acquireTimeoutMs: 200 });
    const lent = [await pool.connect(), await pool.connect()];
    expect([pool.numUsed(), pool.numFree()]).toEqual([2, 0]);
    const waiting = pool.connect();
    expect(pool.numPendingAcquires()).toBe(1);
    const refused = await waiting.catch((error: unknown) => error);
    expect(isDatabaseUnavailable(refused)).toBe(true);
    for (const connection of lent) pool.release(connection);
    expect([pool.numUsed(), pool.numFree()]).toEqual([0, 2]);
  });

  it('survives a lent connection the server closes, and never lends it again', async () => {
    pool = new ConnectionPool({ url: tier.get(Database).url, max: 1 });
    const doomed = await pool.connect();
    const { rows } = await doomed.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const ended = new Promise((resolve) => doomed.once('end', resolve));
    await tier.get(Database).knex.raw('SELECT pg_terminate_backend(?)', [rows[0].pid]);
    await ended;
    expect(doomed.__knex__disposed).toBeDefined();
    pool.release(doomed);
    const next = await pool.connect();
    const { rows: again } = await next.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(again[0].pid).not.toBe(rows[0].pid);
    pool.release(next);
  });

  it('closes a connection by its name at once, failing the statement waiting on it', async () => {
    pool = new ConnectionPool({ url: tier.get(Database).url, max: 1 });
    const connection = await pool.connect();
    const sleeping = connection.query('SELECT pg_sleep(30)').catch((error: unknown) => error);
    pool.abort(connection.__knexUid);
    expect(isDatabaseUnavailable(await sleeping)).toBe(true);
    pool.release(connection);
    expect(pool.numUsed() + pool.numFree()).toBe(0);
  });
});
