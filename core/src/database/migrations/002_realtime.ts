import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Internal events (a revoked token, for instance) belong to a user rather than a workspace.
  await knex.schema.alterTable('events', (t) => {
    t.uuid('workspace_id').nullable().alter();
  });
  await knex.schema.createTable('realtime_tickets', (t) => {
    t.binary('ticket_hash').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('token_id').notNullable().references('tokens.id').onDelete('CASCADE');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('realtime_tickets');
  await knex('events').whereNull('workspace_id').delete();
  await knex.schema.alterTable('events', (t) => {
    t.uuid('workspace_id').notNullable().alter();
  });
}
