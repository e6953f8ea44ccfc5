import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One table of fixed-window counters for every limit (API requests, logins, registrations, bot and hook posts):
  // each request counts itself with one upsert, so limits hold across instances and concurrent requests.
  await knex.schema.createTable('rate_limit_counters', (t) => {
    t.text('key').primary();
    t.integer('hits').notNullable();
    t.timestamp('window_ends_at', { useTz: true }).notNullable().index();
  });
  // Login failures and incoming webhook posts now count in rate_limit_counters.
  await knex.schema.dropTable('login_failures');
  await knex.schema.alterTable('incoming_webhooks', (t) => {
    t.dropColumn('window_started_at');
    t.dropColumn('window_count');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('incoming_webhooks', (t) => {
    t.timestamp('window_started_at', { useTz: true });
    t.integer('window_count').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('login_failures', (t) => {
    t.text('key').primary();
    t.integer('failures').notNullable();
    t.timestamp('window_started_at', { useTz: true }).notNullable();
  });
  await knex.schema.dropTable('rate_limit_counters');
}
