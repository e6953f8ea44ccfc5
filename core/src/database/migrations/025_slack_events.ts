import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // A Slack app's Events API request URL and the Slack event types it subscribes to (message.channels,
  // app_mention…); its install's subscription is a webhook delivering Slack's envelope instead of ours.
  await knex.schema.alterTable('apps', (t) => {
    t.text('slack_events_url');
    t.specificType('slack_events', 'text[]').notNullable().defaultTo('{}');
  });
  await knex.schema.alterTable('webhooks', (t) => {
    t.text('format').notNullable().defaultTo('standard'); // standard | slack
  });
  // One event may become several Slack events (a message that mentions the bot is `message` and
  // `app_mention`): each is its own delivery, numbered within the event.
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    t.smallint('part').notNullable().defaultTo(0);
  });
  await knex.raw(`ALTER TABLE webhook_deliveries
    DROP CONSTRAINT webhook_deliveries_webhook_id_event_seq_unique,
    ADD CONSTRAINT webhook_deliveries_webhook_id_event_seq_part_unique UNIQUE (webhook_id, event_seq, part)`);
  // Slack's app-level tokens (xapp-…): they open Socket Mode connections for the app; kept as hashes.
  await knex.schema.createTable('app_tokens', (t) => {
    t.uuid('id').primary();
    t.uuid('app_id').notNullable().references('apps.id').onDelete('CASCADE');
    t.binary('token_hash').notNullable().unique();
    t.specificType('scopes', 'text[]').notNullable();
    t.uuid('created_by').notNullable().references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('app_tokens');
  await knex.raw(`ALTER TABLE webhook_deliveries
    DROP CONSTRAINT webhook_deliveries_webhook_id_event_seq_part_unique,
    ADD CONSTRAINT webhook_deliveries_webhook_id_event_seq_unique UNIQUE (webhook_id, event_seq)`);
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    t.dropColumn('part');
  });
  await knex.schema.alterTable('webhooks', (t) => {
    t.dropColumn('format');
  });
  await knex.schema.alterTable('apps', (t) => {
    t.dropColumn('slack_events');
    t.dropColumn('slack_events_url');
  });
}
