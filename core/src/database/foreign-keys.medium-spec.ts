import { mediumTier } from '../../../fixtures/medium';
import { Database } from './database';

const tier = mediumTier([]);

describe('foreign keys that name a message', () => {
  it('are checked through an index when a message is deleted, never by reading the whole table', async () => {
    const db = tier.get(Database);
    const { rows: keys } = await db.knex.raw<{ rows: { referencing: string; column: string }[] }>(
      `SELECT c.conrelid::regclass::text AS referencing, a.attname AS column
       FROM pg_constraint AS c
       JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       WHERE c.contype = 'f' AND c.confrelid = 'messages'::regclass`,
    );
    // Replies (messages.thread_id), mentions, reactions and files at least.
    expect(keys.length).toBeGreaterThanOrEqual(4);
    const plans = await db.transaction(async () => {
      // With sequential scans priced out, a plan still reads the whole table only where no index can serve.
      await db.conn.raw('SET LOCAL enable_seqscan = off');
      const found: Record<string, string> = {};
      for (const { referencing, column } of keys) {
        // What PostgreSQL asks on each deleted message: is any row still naming it?
        const { rows } = await db.conn.raw(
          `EXPLAIN SELECT 1 FROM ONLY ${referencing} WHERE ${column} = ?::uuid FOR KEY SHARE`,
          ['00000000-0000-0000-0000-000000000000'],
        );
        found[`${referencing}.${column}`] = JSON.stringify(rows);
      }
      return found;
    });
    for (const [key, plan] of Object.entries(plans)) {
      expect({ key, seqScan: plan.includes('Seq Scan') }).toEqual({ key, seqScan: false });
    }
  });
});
