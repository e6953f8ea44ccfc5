import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // A Slack-format export of a workspace: a durable job that any instance may claim with a lease. A job whose
  // instance died is claimed again and its zip written anew (the zip is only kept once it is complete).
  await knex.schema.createTable('exports', (t) => {
    t.uuid('id').primary();
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.uuid('created_by').notNullable().references('users.id');
    t.text('status').notNullable();
    // Whether private channels and direct messages are in it (EXPORT_PRIVATE when it was started).
    t.boolean('include_private').notNullable();
    // Conversations written so far and the counts of what was written.
    t.jsonb('progress').notNullable();
    t.bigInteger('archive_bytes');
    t.text('error');
    t.text('lease_owner');
    t.timestamp('lease_expires_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true });
    // When the zip and the job are removed (EXPORT_RETENTION_HOURS after it ended).
    t.timestamp('expires_at', { useTz: true });
    t.index(['workspace_id', 'created_at']);
  });
  await knex.raw(
    `ALTER TABLE exports ADD CONSTRAINT exports_status CHECK (status IN ('queued','running','done','failed'))`,
  );
  await knex.raw(`CREATE INDEX exports_pending ON exports (created_at) WHERE status IN ('queued','running')`);
  await knex.raw(`CREATE INDEX exports_expiry ON exports (expires_at) WHERE expires_at IS NOT NULL`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('exports');
}
