import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // A Slack export being imported: a durable job that any instance may claim with a lease and resume.
  await knex.schema.createTable('imports', (t) => {
    t.uuid('id').primary();
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.uuid('created_by').notNullable().references('users.id');
    t.text('status').notNullable();
    t.text('archive_name').notNullable();
    t.bigInteger('archive_bytes').notNullable();
    // Counts so far and the day files already imported (where a resumed job starts again).
    t.jsonb('progress').notNullable();
    // Everything skipped, with its reason; the final counts are in `progress`.
    t.jsonb('skipped').notNullable().defaultTo('[]');
    t.text('error');
    t.text('lease_owner');
    t.timestamp('lease_expires_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true });
    t.index(['workspace_id', 'created_at']);
  });
  await knex.raw(
    `ALTER TABLE imports ADD CONSTRAINT imports_status CHECK (status IN ('queued','running','done','failed'))`,
  );
  await knex.raw(`CREATE INDEX imports_pending ON imports (created_at) WHERE status IN ('queued','running')`);

  // What a Slack id (user, bot, conversation) became in a workspace, so a later export adds only what is new;
  // `created` tells an account or channel made by the import (undone with it) from one it matched.
  await knex.schema.createTable('import_items', (t) => {
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.text('slack_id').notNullable();
    t.uuid('local_id').notNullable();
    t.uuid('import_id').notNullable().references('imports.id').onDelete('CASCADE');
    t.boolean('created').notNullable();
    t.primary(['workspace_id', 'kind', 'slack_id']);
    t.index(['import_id']);
  });

  // Imported messages keep the import that wrote them (undo); their ids come from the Slack channel and ts.
  await knex.schema.alterTable('messages', (t) => {
    t.uuid('import_id');
  });
  await knex.raw('CREATE INDEX messages_import ON messages (import_id) WHERE import_id IS NOT NULL');

  // A placeholder account made by an import: no password until the person claims it by registering or
  // signing in with SSO under its email. Deactivated: a person deleted in Slack, kept as the author of history.
  await knex.schema.alterTable('users', (t) => {
    t.boolean('placeholder').notNullable().defaultTo(false);
    t.timestamp('deactivated_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('placeholder');
    t.dropColumn('deactivated_at');
  });
  await knex.raw('DROP INDEX messages_import');
  await knex.schema.alterTable('messages', (t) => {
    t.dropColumn('import_id');
  });
  await knex.schema.dropTable('import_items');
  await knex.schema.dropTable('imports');
}
