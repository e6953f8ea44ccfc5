import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary();
    t.text('email').notNullable();
    t.text('password_hash');
    t.text('display_name').notNullable();
    t.boolean('is_bot').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE UNIQUE INDEX users_email_unique ON users (lower(email))');

  await knex.schema.createTable('tokens', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.text('name');
    t.binary('token_hash').notNullable().unique();
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id', 'kind']);
  });

  await knex.schema.createTable('login_failures', (t) => {
    t.text('key').primary();
    t.integer('failures').notNullable();
    t.timestamp('window_started_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('workspaces', (t) => {
    t.uuid('id').primary();
    t.text('name').notNullable();
    t.text('slug').notNullable().unique();
    t.uuid('created_by').notNullable().references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('workspace_members', (t) => {
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('role').notNullable();
    t.timestamp('joined_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'user_id']);
    t.index(['user_id']);
  });
  await knex.raw(
    `ALTER TABLE workspace_members ADD CONSTRAINT workspace_members_role CHECK (role IN ('owner','admin','member','guest'))`,
  );

  await knex.schema.createTable('invites', (t) => {
    t.uuid('id').primary();
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.binary('code_hash').notNullable().unique();
    t.text('role').notNullable();
    t.integer('max_uses').notNullable();
    t.integer('uses').notNullable().defaultTo(0);
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.uuid('created_by').notNullable().references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('channels', (t) => {
    t.uuid('id').primary();
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.text('name');
    t.text('kind').notNullable();
    t.text('topic').notNullable().defaultTo('');
    t.boolean('archived').notNullable().defaultTo(false);
    // Sorted member ids of a DM, so the same people always get the same conversation.
    t.text('dm_key');
    t.uuid('created_by').notNullable().references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['workspace_id', 'name']);
    t.unique(['workspace_id', 'dm_key']);
  });
  await knex.raw(
    `ALTER TABLE channels ADD CONSTRAINT channels_kind CHECK (kind IN ('public','private','dm'))`,
  );

  await knex.schema.createTable('channel_members', (t) => {
    t.uuid('channel_id').notNullable().references('channels.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.timestamp('joined_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['channel_id', 'user_id']);
    t.index(['workspace_id', 'user_id']);
  });

  await knex.schema.createTable('messages', (t) => {
    t.uuid('id').primary();
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.uuid('channel_id').notNullable().references('channels.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id');
    t.text('text').notNullable();
    t.uuid('thread_id').references('messages.id');
    t.integer('reply_count').notNullable().defaultTo(0);
    t.text('client_msg_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('edited_at', { useTz: true });
    t.timestamp('deleted_at', { useTz: true });
    t.unique(['channel_id', 'user_id', 'client_msg_id']);
  });
  await knex.raw(
    `ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED`,
  );
  await knex.raw('CREATE INDEX messages_search ON messages USING gin (search)');
  await knex.raw(
    'CREATE INDEX messages_channel_timeline ON messages (channel_id, id DESC) WHERE thread_id IS NULL AND deleted_at IS NULL',
  );
  await knex.raw('CREATE INDEX messages_thread ON messages (thread_id, id) WHERE deleted_at IS NULL');

  await knex.schema.createTable('message_mentions', (t) => {
    t.uuid('message_id').notNullable().references('messages.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.primary(['message_id', 'user_id']);
    t.index(['user_id']);
  });

  await knex.schema.createTable('reactions', (t) => {
    t.uuid('message_id').notNullable().references('messages.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('emoji').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['message_id', 'emoji', 'user_id']);
  });

  await knex.schema.createTable('files', (t) => {
    t.uuid('id').primary();
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.uuid('uploader_id').notNullable().references('users.id');
    t.text('name').notNullable();
    t.bigInteger('size').notNullable();
    t.text('content_type').notNullable();
    t.text('storage_key').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('message_files', (t) => {
    t.uuid('message_id').notNullable().references('messages.id').onDelete('CASCADE');
    t.uuid('file_id').notNullable().references('files.id').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.primary(['message_id', 'file_id']);
    t.index(['file_id']);
  });

  // The transactional outbox: every state change appends its domain event here in the same transaction.
  await knex.schema.createTable('events', (t) => {
    t.bigIncrements('seq').primary();
    t.uuid('id').notNullable().unique();
    t.text('type').notNullable();
    t.uuid('workspace_id').notNullable();
    t.uuid('channel_id');
    t.jsonb('data').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['workspace_id', 'seq']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'events',
    'message_files',
    'files',
    'reactions',
    'message_mentions',
    'messages',
    'channel_members',
    'channels',
    'invites',
    'workspace_members',
    'workspaces',
    'login_failures',
    'tokens',
    'users',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
