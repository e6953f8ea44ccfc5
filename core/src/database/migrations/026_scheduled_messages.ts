import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // A message to be posted later by its author: claimed when due by any instance (FOR UPDATE SKIP LOCKED) and
  // marked sent, with the message it became, in the transaction that posts it.
  await knex.schema.createTable('scheduled_messages', (t) => {
    t.uuid('id').primary();
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.uuid('channel_id').notNullable().references('channels.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('text').notNullable();
    t.jsonb('blocks');
    t.jsonb('attachments');
    t.uuid('thread_id');
    t.timestamp('post_at', { useTz: true }).notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.uuid('message_id');
    // Why it was not posted (the author left the channel, the channel was archived…).
    t.text('failure');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['user_id', 'workspace_id', 'post_at', 'id']);
  });
  await knex.raw(
    `ALTER TABLE scheduled_messages ADD CONSTRAINT scheduled_messages_status CHECK (status IN ('pending','sent','failed'))`,
  );
  await knex.raw(
    `CREATE INDEX scheduled_messages_due ON scheduled_messages (post_at) WHERE status = 'pending'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('scheduled_messages');
}
