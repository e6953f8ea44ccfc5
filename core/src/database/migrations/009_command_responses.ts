import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Slack's response_url: a secret URL an app may post to a few times, for a while, after a slash command.
  await knex.schema.createTable('command_responses', (t) => {
    t.uuid('id').primary();
    t.binary('token_hash').notNullable().unique();
    t.uuid('install_id').notNullable().references('app_installs.id').onDelete('CASCADE');
    t.uuid('bot_user_id').notNullable().references('users.id');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('channel_id').notNullable().references('channels.id').onDelete('CASCADE');
    t.uuid('thread_id');
    t.integer('uses').notNullable().defaultTo(0);
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('command_responses');
}
