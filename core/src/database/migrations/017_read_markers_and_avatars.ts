import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Read state lives with the membership it belongs to: leaving a channel forgets it.
  await knex.schema.alterTable('channel_members', (t) => {
    t.uuid('last_read_id');
  });
  // Existing members start with everything read, as a member who joins now does.
  await knex.raw(`
    UPDATE channel_members cm SET last_read_id = (
      SELECT m.id FROM messages m
      WHERE m.channel_id = cm.channel_id AND m.thread_id IS NULL AND m.deleted_at IS NULL
      ORDER BY m.id DESC LIMIT 1)`);
  // Unread counts skip the reader's own messages: with the author in the timeline index, counting the
  // messages after a marker never reads the table.
  await knex.raw('DROP INDEX messages_channel_timeline');
  await knex.raw(
    'CREATE INDEX messages_channel_timeline ON messages (channel_id, id DESC) INCLUDE (user_id) WHERE thread_id IS NULL AND deleted_at IS NULL',
  );
  // Mention counts read one person's mentions in one channel after a marker, and no others.
  await knex.schema.alterTable('message_mentions', (t) => {
    t.uuid('channel_id').references('channels.id').onDelete('CASCADE');
  });
  await knex.raw(
    'UPDATE message_mentions mm SET channel_id = m.channel_id FROM messages m WHERE m.id = mm.message_id',
  );
  await knex.schema.alterTable('message_mentions', (t) => {
    t.dropNullable('channel_id');
    t.dropIndex(['user_id']);
    t.index(['user_id', 'channel_id', 'message_id']);
  });

  // The resized image itself (a few kilobytes), so it is written in the same transaction as the user's row.
  await knex.schema.createTable('user_avatars', (t) => {
    t.uuid('user_id').primary().references('users.id').onDelete('CASCADE');
    t.binary('content').notNullable();
    t.text('content_type').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // Changes with every upload: clients version the avatar's URL with it and cache it.
  await knex.schema.alterTable('users', (t) => {
    t.text('avatar_version');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('avatar_version');
  });
  await knex.schema.dropTable('user_avatars');
  await knex.schema.alterTable('message_mentions', (t) => {
    t.dropIndex(['user_id', 'channel_id', 'message_id']);
    t.dropColumn('channel_id');
    t.index(['user_id']);
  });
  await knex.raw('DROP INDEX messages_channel_timeline');
  await knex.raw(
    'CREATE INDEX messages_channel_timeline ON messages (channel_id, id DESC) WHERE thread_id IS NULL AND deleted_at IS NULL',
  );
  await knex.schema.alterTable('channel_members', (t) => {
    t.dropColumn('last_read_id');
  });
}
