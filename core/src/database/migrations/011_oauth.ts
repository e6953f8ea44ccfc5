import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('oauth_codes', (t) => {
    t.uuid('id').primary();
    t.binary('code_hash').notNullable().unique();
    t.uuid('app_id').notNullable().references('apps.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.text('redirect_uri').notNullable();
    t.specificType('scopes', 'text[]').notNullable();
    t.text('code_challenge');
    t.text('code_challenge_method');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    // Single use: a second exchange finds used_at set and revokes what the first one issued.
    t.timestamp('used_at', { useTz: true });
    t.uuid('install_id').references('app_installs.id').onDelete('SET NULL');
  });

  await knex.schema.createTable('oauth_refresh_tokens', (t) => {
    t.uuid('id').primary();
    t.binary('token_hash').notNullable().unique();
    t.uuid('install_id').notNullable().references('app_installs.id').onDelete('CASCADE');
    // Every rotation of one grant shares a family: replaying a rotated-out token revokes the whole family.
    t.uuid('family_id').notNullable().index();
    t.specificType('scopes', 'text[]').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('oauth_refresh_tokens');
  await knex.schema.dropTable('oauth_codes');
}
