import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('apps', (t) => {
    t.uuid('id').primary();
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.uuid('created_by').notNullable().references('users.id');
    t.text('name').notNullable();
    t.text('client_id').notNullable().unique();
    // Shown once; only its hash is kept.
    t.binary('client_secret_hash').notNullable();
    // Signs what Jōkkær sends the app (slash commands), so the app must be able to read it back: kept as is.
    t.text('signing_secret').notNullable();
    t.specificType('redirect_uris', 'text[]').notNullable();
    t.specificType('scopes', 'text[]').notNullable();
    t.jsonb('commands').notNullable().defaultTo('[]');
    t.text('events_url');
    t.specificType('events', 'text[]').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('app_installs', (t) => {
    t.uuid('id').primary();
    t.uuid('app_id').notNullable().references('apps.id').onDelete('CASCADE');
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.uuid('bot_user_id').notNullable().references('users.id');
    t.specificType('scopes', 'text[]').notNullable();
    t.uuid('installed_by').notNullable().references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['app_id', 'workspace_id']);
  });

  await knex.schema.alterTable('tokens', (t) => {
    t.uuid('install_id').references('app_installs.id').onDelete('CASCADE');
    t.specificType('scopes', 'text[]');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tokens', (t) => {
    t.dropColumn('install_id');
    t.dropColumn('scopes');
  });
  await knex.schema.dropTable('app_installs');
  await knex.schema.dropTable('apps');
}
