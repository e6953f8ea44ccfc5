import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // A thread reply also sent to the channel (Slack's reply_broadcast) is one row, in its thread and in the
  // channel's timeline; the default adds the column without rewriting the table.
  await knex.raw('ALTER TABLE messages ADD COLUMN also_sent_to_channel boolean NOT NULL DEFAULT false');
  // The timeline (history, unread counts, read markers) is top-level messages and those replies; queries
  // write this predicate exactly so (messages.rows.ts inTimeline) for PostgreSQL to match the index.
  await knex.raw('DROP INDEX messages_channel_timeline');
  await knex.raw(`CREATE INDEX messages_channel_timeline ON messages (channel_id, id DESC) INCLUDE (user_id)
    WHERE (thread_id IS NULL OR also_sent_to_channel) AND deleted_at IS NULL`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX messages_channel_timeline');
  await knex.raw(`CREATE INDEX messages_channel_timeline ON messages (channel_id, id DESC) INCLUDE (user_id)
    WHERE thread_id IS NULL AND deleted_at IS NULL`);
  await knex.raw('ALTER TABLE messages DROP COLUMN also_sent_to_channel');
}
