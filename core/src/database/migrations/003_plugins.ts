import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('plugin_installs', (t) => {
    t.uuid('id').primary();
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.text('plugin_id').notNullable();
    t.text('version').notNullable();
    t.boolean('enabled').notNullable();
    t.jsonb('settings').notNullable();
    t.jsonb('limits').notNullable();
    // The user the plugin acts as: a bot member of the workspace.
    t.uuid('bot_user_id').notNullable().references('users.id');
    t.text('disabled_reason');
    // Durable cursor: the last event seq delivered to this install.
    t.bigInteger('cursor_seq').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['workspace_id', 'plugin_id']);
  });
  await knex.schema.createTable('plugin_kv', (t) => {
    t.uuid('install_id').notNullable().references('plugin_installs.id').onDelete('CASCADE');
    t.text('key').notNullable();
    t.jsonb('value').notNullable();
    t.integer('size').notNullable();
    t.integer('version').notNullable();
    t.timestamp('expires_at', { useTz: true });
    t.primary(['install_id', 'key']);
  });
  await knex.schema.createTable('plugin_invocations', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('install_id').notNullable().references('plugin_installs.id').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.text('name').notNullable();
    t.text('outcome').notNullable();
    t.double('duration_ms').notNullable();
    t.text('message');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['install_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('plugin_invocations');
  await knex.schema.dropTable('plugin_kv');
  await knex.schema.dropTable('plugin_installs');
}
