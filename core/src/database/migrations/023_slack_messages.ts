import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Slack's `ts`: microseconds since the epoch, unique within the channel (the Web API names messages by it).
  // Block Kit `blocks` and legacy `attachments` are stored as validated, null when the message has none.
  await knex.schema.alterTable('messages', (t) => {
    t.bigInteger('ts');
    t.jsonb('blocks');
    t.jsonb('attachments');
  });
  // Messages of the same microsecond in one channel (imports, tests) are told apart by their id's order.
  await knex.raw(`
    UPDATE messages SET ts = numbered.ts FROM (
      SELECT id, (extract(epoch FROM created_at) * 1000000)::bigint
        + row_number() OVER (PARTITION BY channel_id, created_at ORDER BY id) - 1 AS ts
      FROM messages
    ) AS numbered
    WHERE numbered.id = messages.id`);
  await knex.raw(`ALTER TABLE messages ALTER COLUMN ts SET NOT NULL,
    ALTER COLUMN ts SET DEFAULT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint`);
  await knex.raw('ALTER TABLE messages ADD CONSTRAINT messages_channel_ts UNIQUE (channel_id, ts)');
  // Slack's two-step uploads (files.getUploadURLExternal, then the bytes, then completeUploadExternal): the
  // name announced first, and the stored file once the bytes came.
  await knex.schema.createTable('slack_uploads', (t) => {
    t.uuid('id').primary();
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('filename').notNullable();
    t.uuid('file_id').references('files.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('slack_uploads');
  await knex.schema.alterTable('messages', (t) => {
    t.dropUnique([], 'messages_channel_ts');
    t.dropColumn('attachments');
    t.dropColumn('blocks');
    t.dropColumn('ts');
  });
}
