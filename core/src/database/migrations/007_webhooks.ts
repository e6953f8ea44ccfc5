import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhooks', (t) => {
    t.uuid('id').primary();
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.uuid('created_by').notNullable().references('users.id');
    t.text('url').notNullable();
    t.specificType('events', 'text[]').notNullable();
    // NULL: every channel the creator can see; otherwise only these channels' events.
    t.specificType('channel_ids', 'uuid[]');
    // Signing needs the secrets themselves: [{secret, expiresAt|null}], the newest first.
    t.jsonb('secrets').notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.text('disabled_reason');
    // Set by the first failure after a success; five days of failures disable the endpoint.
    t.timestamp('failing_since', { useTz: true });
    // Events up to this seq happened before the subscription existed.
    t.bigInteger('created_seq').notNullable();
    t.timestamps(true, true);
  });
  await knex.raw('CREATE INDEX webhooks_workspace ON webhooks (workspace_id) WHERE enabled');

  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.uuid('id').primary();
    t.uuid('webhook_id').notNullable().references('webhooks.id').onDelete('CASCADE');
    t.bigInteger('event_seq').notNullable();
    t.text('event_type').notNullable();
    // The exact bytes that are signed and sent, the same on every attempt.
    t.text('body').notNullable();
    t.text('status').notNullable().defaultTo('pending'); // pending | succeeded | failed | aborted
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable();
    t.text('locked_by');
    t.timestamp('locked_until', { useTz: true });
    t.text('last_error');
    t.integer('last_status_code');
    // The most recent attempts ({attemptedAt, statusCode, durationMs, error, responseExcerpt}), on the row
    // itself: recording an attempt is one update, not an update and an insert.
    t.jsonb('attempt_log').notNullable().defaultTo('[]');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true });
    // Also the delivery log's order (newest event first) and the fan-out's guard against enqueuing twice.
    t.unique(['webhook_id', 'event_seq']);
  });
  // A queue: room in each page, so that claiming (which changes no indexed column) is a HOT update, and
  // vacuum and statistics kept up with its churn rather than at the default 20 % of the table.
  await knex.raw(
    `ALTER TABLE webhook_deliveries SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02,
       autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0)`,
  );
  await knex.raw(
    "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'",
  );

  // One row: how far the stream has been turned into deliveries. Whoever locks it fans out.
  await knex.schema.createTable('webhook_fanout', (t) => {
    t.integer('id').primary();
    t.bigInteger('cursor_seq').notNullable();
  });
  await knex.raw('INSERT INTO webhook_fanout (id, cursor_seq) SELECT 1, coalesce(max(seq), 0) FROM events');

  await knex.schema.createTable('incoming_webhooks', (t) => {
    t.uuid('id').primary();
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.uuid('channel_id').notNullable().references('channels.id').onDelete('CASCADE');
    t.uuid('bot_user_id').notNullable().references('users.id');
    t.uuid('created_by').notNullable().references('users.id');
    t.text('name').notNullable();
    t.binary('token_hash').notNullable().unique();
    // A fixed-window counter kept on the row, so the limit holds across instances at no extra query.
    t.timestamp('window_started_at', { useTz: true });
    t.integer('window_count').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Slack's `username`/`icon_url`: how an incoming webhook's post is labelled.
  await knex.schema.alterTable('messages', (t) => {
    t.jsonb('bot_profile');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('messages', (t) => {
    t.dropColumn('bot_profile');
  });
  await knex.schema.dropTable('incoming_webhooks');
  await knex.schema.dropTable('webhook_fanout');
  await knex.schema.dropTable('webhook_deliveries');
  await knex.schema.dropTable('webhooks');
}
