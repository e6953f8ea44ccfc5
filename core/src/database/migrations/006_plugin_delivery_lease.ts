import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Event delivery to an install is leased for a short time instead of held under a row lock, so no
  // transaction stays open while plugin code runs.
  await knex.schema.alterTable('plugin_installs', (t) => {
    t.text('lease_owner');
    t.timestamp('leased_until', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plugin_installs', (t) => {
    t.dropColumn('lease_owner');
    t.dropColumn('leased_until');
  });
}
