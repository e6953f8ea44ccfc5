import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('plugin_schedules', (t) => {
    t.uuid('install_id').notNullable().references('plugin_installs.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('cron').notNullable();
    t.timestamp('next_run_at', { useTz: true }).notNullable();
    t.primary(['install_id', 'name']);
    t.index(['next_run_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('plugin_schedules');
}
