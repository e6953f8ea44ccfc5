import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Who did what to what, written in the transaction of the change itself. No foreign keys: an entry outlives
  // the workspace, account or token it names, for AUDIT_RETENTION_DAYS.
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.uuid('workspace_id');
    t.uuid('actor_user_id');
    t.uuid('actor_token_id');
    t.text('actor_token_kind');
    t.text('action').notNullable();
    t.text('target_kind').notNullable();
    t.text('target_id').notNullable();
    t.text('client_address');
    t.text('user_agent');
    t.jsonb('summary').notNullable().defaultTo('{}');
    t.index(['workspace_id', 'id']);
    t.index(['created_at']);
  });
  // Append-only: entries are only ever added, and deleted by the retention prune.
  await knex.raw(`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`);
  await knex.raw(`
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
  await knex.raw('DROP FUNCTION audit_log_append_only()');
}
