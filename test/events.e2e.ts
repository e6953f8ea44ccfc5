import { Client } from 'pg';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

let server: TestServer;
let db: Client;
let alice: TestUser;
let bob: TestUser;

interface EventRow {
  seq: string;
  type: string;
  workspace_id: string;
  channel_id: string | null;
  data: Record<string, unknown>;
}

async function eventsAfter(seq: string): Promise<EventRow[]> {
  const { rows } = await db.query<EventRow>(
    'SELECT seq, type, workspace_id, channel_id, data FROM events WHERE seq > $1 ORDER BY seq',
    [seq],
  );
  return rows;
}

async function lastSeq(): Promise<string> {
  const { rows } = await db.query<{ seq: string }>('SELECT coalesce(max(seq), 0)::text AS seq FROM events');
  return rows[0].seq;
}

beforeAll(async () => {
  server = await startTestServer();
  db = new Client({ connectionString: server.databaseUrl });
  await db.connect();
  alice = await registerUser(server.url, 'Alice');
  bob = await registerUser(server.url, 'Bob');
});
afterAll(async () => {
  await db.end();
  await server.close();
});

describe('domain events (transactional outbox)', () => {
  it('appends one event per state change, in order, scoped to workspace and channel', async () => {
    const start = await lastSeq();
    const workspace = await createWorkspace(alice);
    await addToWorkspace(alice, workspace.id, bob);
    const channel = await createChannel(alice, workspace.id, 'public', 'events');
    await bob.api.post(`/api/v1/channels/${channel.id}/join`);
    const posted = await bob.api.post(`/api/v1/channels/${channel.id}/messages`, { text: 'hello' });
    await alice.api.post(`/api/v1/messages/${posted.body.id}/reactions`, { emoji: 'wave' });
    await alice.api.delete(`/api/v1/messages/${posted.body.id}/reactions/wave`);
    const edited = await bob.api.patch(`/api/v1/messages/${posted.body.id}`, { text: 'hello again' });
    await alice.api.patch(`/api/v1/channels/${channel.id}`, { topic: 'news', archived: true });
    await alice.api.patch(`/api/v1/channels/${channel.id}`, { archived: false });
    await bob.api.delete(`/api/v1/messages/${posted.body.id}`);
    await bob.api.post(`/api/v1/channels/${channel.id}/leave`);
    const form = new FormData();
    form.append('file', new Blob(['bytes']), 'a.txt');
    const file = await alice.api.post(`/api/v1/workspaces/${workspace.id}/files`, form);
    await alice.api.delete(`/api/v1/workspaces/${workspace.id}/members/${bob.id}`);

    const events = await eventsAfter(start);
    expect(events.map((e) => e.type)).toEqual([
      'workspace.member_joined', // alice, as owner
      'workspace.member_joined', // bob
      'channel.created',
      'channel.member_joined', // alice
      'channel.member_joined', // bob
      'message.created',
      'reaction.added',
      'reaction.removed',
      'message.updated',
      'channel.updated',
      'channel.archived',
      'channel.updated',
      'message.deleted',
      'channel.member_left',
      'file.uploaded',
      'workspace.member_left',
    ]);
    const seqs = events.map((e) => BigInt(e.seq));
    expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1])).toBe(true);
    expect(events.every((e) => e.workspace_id === workspace.id)).toBe(true);
    const channelEvents = events.filter((e) => /^(channel|message|reaction)\./.test(e.type));
    expect(channelEvents.every((e) => e.channel_id === channel.id && e.data.channelId === channel.id)).toBe(
      true,
    );

    // Payloads carry the resource exactly as the REST API returned it.
    expect(events[5].data).toEqual(posted.body);
    expect(events[8].data).toEqual(edited.body);
    expect(events[14].data).toEqual(file.body);
    expect(events[6].data).toEqual({
      workspaceId: workspace.id,
      channelId: channel.id,
      messageId: posted.body.id,
      userId: alice.id,
      emoji: 'wave',
    });
    expect(events[15].data).toMatchObject({ workspaceId: workspace.id, userId: bob.id, role: 'member' });
  });

  it('appends nothing when a change is refused or rolled back', async () => {
    const workspace = await createWorkspace(alice);
    await createChannel(alice, workspace.id, 'public', 'taken');
    const start = await lastSeq();
    expect(
      (await alice.api.post(`/api/v1/workspaces/${workspace.id}/channels`, { name: 'taken', kind: 'public' }))
        .status,
    ).toBe(409);
    expect(
      (
        await alice.api.post('/api/v1/workspaces', {
          name: 'dup',
          slug: (workspace as { slug: string }).slug,
        })
      ).status,
    ).toBe(409);
    expect(
      (await alice.api.patch(`/api/v1/workspaces/${workspace.id}/members/${alice.id}`, { role: 'member' }))
        .status,
    ).toBe(409);
    expect(await eventsAfter(start)).toEqual([]);
  });

  it('does not emit for no-op repeats (joining twice, repeated reaction, idempotent post)', async () => {
    const workspace = await createWorkspace(alice);
    const channel = await createChannel(alice, workspace.id);
    const message = await alice.api.post(`/api/v1/channels/${channel.id}/messages`, {
      text: 'once',
      clientMsgId: 'k1',
    });
    await alice.api.post(`/api/v1/messages/${message.body.id}/reactions`, { emoji: 'x' });
    const start = await lastSeq();
    await alice.api.post(`/api/v1/channels/${channel.id}/join`);
    await alice.api.post(`/api/v1/messages/${message.body.id}/reactions`, { emoji: 'x' });
    await alice.api.post(`/api/v1/channels/${channel.id}/messages`, { text: 'once', clientMsgId: 'k1' });
    expect(await eventsAfter(start)).toEqual([]);
  });
});
