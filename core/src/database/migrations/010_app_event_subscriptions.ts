import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // An app's event subscription is a webhook owned by its install: delivered by the same engine, gone with it.
  await knex.schema.alterTable('webhooks', (t) => {
    t.uuid('install_id').references('app_installs.id').onDelete('CASCADE');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhooks', (t) => {
    t.dropColumn('install_id');
  });
}
