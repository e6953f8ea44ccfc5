import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // A notification preference of one member in one channel: leaving the channel forgets it, as read state.
  await knex.schema.alterTable('channel_members', (t) => {
    t.boolean('muted').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('channel_members', (t) => {
    t.dropColumn('muted');
  });
}
