import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Slack's export download token, given with the upload: files shared in the export are downloaded with it. Kept
  // only while the import runs (a resumed job needs it), cleared when it ends.
  await knex.schema.alterTable('imports', (t) => {
    t.text('download_token');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('imports', (t) => {
    t.dropColumn('download_token');
  });
}
