import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Hosts a workspace admin lets this install fetch besides its manifest's (a self-hosted calendar, say).
  await knex.schema.alterTable('plugin_installs', (t) => {
    t.jsonb('allowed_hosts').notNullable().defaultTo('[]');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plugin_installs', (t) => {
    t.dropColumn('allowed_hosts');
  });
}
