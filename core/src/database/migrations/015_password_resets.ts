import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Password reset links (by email, or handed out by an instance admin): single use, expiring, stored hashed.
  await knex.schema.createTable('password_resets', (t) => {
    t.binary('token_hash').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('password_resets');
}
