import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Plugins uploaded by an instance admin, shared by every instance through the database.
  await knex.schema.createTable('plugin_bundles', (t) => {
    t.text('plugin_id').primary();
    t.text('version').notNullable();
    t.jsonb('manifest').notNullable();
    t.text('code').notNullable();
    t.uuid('uploaded_by').notNullable().references('users.id');
    t.timestamp('uploaded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('plugin_bundles');
}
