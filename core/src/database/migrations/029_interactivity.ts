import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Slack's Interactivity request URL: where block_actions, view_submission and view_closed payloads go.
  await knex.schema.alterTable('apps', (t) => {
    t.text('slack_interactivity_url');
  });
  // A response_url given with a block action answers about that message (replace_original, delete_original).
  await knex.schema.alterTable('command_responses', (t) => {
    t.uuid('message_id');
  });
  // Slack's trigger_id: lets an app open a modal for the person who just acted; single use, for 3 s.
  await knex.schema.createTable('slack_triggers', (t) => {
    t.binary('token_hash').primary();
    t.uuid('app_id').notNullable().references('apps.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });
  // Open modals: a stack per person and app (views.push adds one above); the top one is shown.
  await knex.schema.createTable('slack_views', (t) => {
    t.uuid('id').primary();
    t.uuid('root_id').notNullable();
    t.smallint('depth').notNullable();
    t.uuid('app_id').notNullable().references('apps.id').onDelete('CASCADE');
    t.uuid('bot_user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.jsonb('view').notNullable();
    t.text('hash').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['root_id', 'depth']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('slack_views');
  await knex.schema.dropTable('slack_triggers');
  await knex.schema.alterTable('command_responses', (t) => {
    t.dropColumn('message_id');
  });
  await knex.schema.alterTable('apps', (t) => {
    t.dropColumn('slack_interactivity_url');
  });
}
