import type { Knex } from 'knex';

const OWNED = ['slack_triggers', 'slack_views'];

export async function up(knex: Knex): Promise<void> {
  // Plugins open modals too (ctx.views.open): a trigger and a view belong to an app or to a plugin install.
  for (const table of OWNED) {
    await knex.schema.alterTable(table, (t) => {
      t.uuid('app_id').nullable().alter();
      t.uuid('plugin_install_id').references('plugin_installs.id').onDelete('CASCADE');
      t.check('(app_id is null) <> (plugin_install_id is null)', [], `${table}_one_owner`);
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of OWNED) {
    await knex(table).whereNull('app_id').delete();
    await knex.schema.alterTable(table, (t) => {
      t.dropChecks(`${table}_one_owner`);
      t.dropColumn('plugin_install_id');
      t.uuid('app_id').notNullable().alter();
    });
  }
}
