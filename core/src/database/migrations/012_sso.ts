import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // OAuth state and PKCE verifier of a login in progress: single use, short-lived (no sessions here).
  await knex.schema.createTable('sso_states', (t) => {
    t.binary('state_hash').primary();
    t.text('code_verifier').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });
  // The provider's subject an account was linked to, so a later login finds it even if the email changes.
  await knex.schema.createTable('sso_identities', (t) => {
    t.text('subject').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sso_identities');
  await knex.schema.dropTable('sso_states');
}
