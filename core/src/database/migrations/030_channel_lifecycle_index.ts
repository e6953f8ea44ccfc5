import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // A channel's previous state, for Slack's channel_rename and channel_unarchive: the last of its created or
  // updated events before a given one, found without scanning the workspace's whole stream.
  await knex.raw(`
    CREATE INDEX events_channel_lifecycle ON events (channel_id, seq)
    WHERE type IN ('channel.created', 'channel.updated')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX events_channel_lifecycle');
}
