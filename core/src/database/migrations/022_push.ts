import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The server's VAPID key pair, made on first start: one row, whichever instance wins the insert.
  await knex.schema.createTable('push_vapid_keys', (t) => {
    t.smallint('id').primary();
    t.text('public_key').notNullable();
    t.text('private_key').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('ALTER TABLE push_vapid_keys ADD CONSTRAINT push_vapid_keys_single CHECK (id = 1)');
  // A browser's PushSubscription: an endpoint belongs to one browser profile, so to one person at a time.
  await knex.schema.createTable('push_subscriptions', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('endpoint').notNullable().unique();
    t.text('p256dh').notNullable();
    t.text('auth').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id']);
  });
  // Quiet hours: no push between `from` and `to` (minutes after midnight) in the person's time zone.
  await knex.schema.createTable('push_quiet_hours', (t) => {
    t.uuid('user_id').primary().references('users.id').onDelete('CASCADE');
    t.smallint('from_minute').notNullable();
    t.smallint('to_minute').notNullable();
    t.text('time_zone').notNullable();
  });
  // Which instance pushes for an event: the one whose insert wins, so each event is pushed once.
  await knex.schema.createTable('push_claims', (t) => {
    t.bigInteger('event_seq').primary();
    t.timestamp('claimed_at', { useTz: true }).notNullable();
    t.index(['claimed_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('push_claims');
  await knex.schema.dropTable('push_quiet_hours');
  await knex.schema.dropTable('push_subscriptions');
  await knex.schema.dropTable('push_vapid_keys');
}
