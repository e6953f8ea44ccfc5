import type { Knex } from 'knex';

// A message's channel and workspace checked by one foreign key on the pair instead of one on each: one
// lookup per inserted row instead of two (most of all a bulk import's), and a message can no longer name a
// channel of another workspace. Deleting a workspace still removes its messages: it removes its channels,
// which remove theirs.
//
// Outside a transaction, so that the check of the existing messages (VALIDATE) runs under a lock that lets
// messages be written meanwhile; the new key, added NOT VALID, holds for new rows from the start. Each step
// can run again after a failure of the next.
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx.raw('CREATE UNIQUE INDEX IF NOT EXISTS channels_id_workspace ON channels (id, workspace_id)');
    await trx.raw(`ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_channel_workspace_foreign,
      ADD CONSTRAINT messages_channel_workspace_foreign FOREIGN KEY (channel_id, workspace_id)
        REFERENCES channels (id, workspace_id) ON DELETE CASCADE NOT VALID`);
  });
  await knex.raw('ALTER TABLE messages VALIDATE CONSTRAINT messages_channel_workspace_foreign');
  await knex.raw(`ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_channel_id_foreign,
    DROP CONSTRAINT IF EXISTS messages_workspace_id_foreign`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx.raw(`ALTER TABLE messages
      ADD CONSTRAINT messages_channel_id_foreign FOREIGN KEY (channel_id) REFERENCES channels (id) ON DELETE CASCADE,
      ADD CONSTRAINT messages_workspace_id_foreign FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
        ON DELETE CASCADE,
      DROP CONSTRAINT messages_channel_workspace_foreign`);
    await trx.raw('DROP INDEX channels_id_workspace');
  });
}
