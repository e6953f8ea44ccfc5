import type { Knex } from 'knex';

// Deleting a message (undoing an import, deleting a channel or a workspace) makes PostgreSQL check that no
// reply still names it (messages.thread_id's foreign key): that check could use no index, since the only one on
// thread_id left out deleted replies, so every deleted message read the whole table (an undo of 150,000
// messages ran for more than 45 minutes). The thread index now holds deleted replies too: the check reads
// one index entry, and thread pages skip the few deleted replies as they read.
//
// Outside a transaction: the index is built CONCURRENTLY, so that messages can be written meanwhile on a
// large table. Each step can run again after a failure of the next.
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  // A build that failed half-way leaves an invalid index of that name, which IF NOT EXISTS would keep.
  const { rows: invalid } = await knex.raw<{ rows: unknown[] }>(
    `SELECT FROM pg_index WHERE indexrelid = to_regclass('messages_thread_replies') AND NOT indisvalid`,
  );
  if (invalid.length > 0) await knex.raw('DROP INDEX CONCURRENTLY messages_thread_replies');
  await knex.raw(
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_thread_replies ON messages (thread_id, id) WHERE thread_id IS NOT NULL',
  );
  await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS messages_thread');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_thread ON messages (thread_id, id) WHERE thread_id IS NOT NULL AND deleted_at IS NULL',
  );
  await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS messages_thread_replies');
}
