import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

let server: TestServer;
let owner: TestUser;
let member: TestUser;
let guest: TestUser;
let workspaceId: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = await registerUser(server.url, 'Owner');
  member = await registerUser(server.url, 'Member');
  guest = await registerUser(server.url, 'Guest');
  workspaceId = (await createWorkspace(owner)).id;
  await addToWorkspace(owner, workspaceId, member);
  await addToWorkspace(owner, workspaceId, guest, 'guest');
});
afterAll(() => server.close());

describe('channels', () => {
  it('creates public and private channels with valid unique names', async () => {
    const created = await owner.api.post(`/api/v1/workspaces/${workspaceId}/channels`, {
      name: 'general',
      kind: 'public',
      topic: 'Everything',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      workspaceId,
      name: 'general',
      kind: 'public',
      topic: 'Everything',
      archived: false,
    });
    const duplicate = await member.api.post(`/api/v1/workspaces/${workspaceId}/channels`, {
      name: 'general',
      kind: 'private',
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get('content-type')).toContain('application/problem+json');
    // A taken name of a private channel is a conflict too, whose answer must not reveal the channel.
    const secret = await createChannel(owner, workspaceId, 'private', 'secret-plans');
    const clash = await member.api.post(`/api/v1/workspaces/${workspaceId}/channels`, {
      name: 'secret-plans',
      kind: 'public',
    });
    expect(clash.status).toBe(409);
    expect(JSON.stringify(clash.body)).not.toContain(secret.id);
    const invalid = await member.api.post(`/api/v1/workspaces/${workspaceId}/channels`, {
      name: 'Bad Name',
      kind: 'secret',
    });
    expect(invalid.status).toBe(400);
    expect(new Set(invalid.body.errors.map((e: { path: string }) => e.path))).toEqual(
      new Set(['name', 'kind']),
    );
    const byGuest = await guest.api.post(`/api/v1/workspaces/${workspaceId}/channels`, {
      name: 'guests',
      kind: 'public',
    });
    expect(byGuest.status).toBe(403);
  });

  it('answers the channel routes with their statuses: join 200, leave 204, members 204/403/404, PATCH 200/400/409', async () => {
    const channel = await createChannel(owner, workspaceId);
    const joined = await member.api.post(`/api/v1/channels/${channel.id}/join`);
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ id: channel.id, name: channel.name });
    expect((await member.api.post(`/api/v1/channels/${channel.id}/leave`)).status).toBe(204);
    const listed = await member.api.get(`/api/v1/workspaces/${workspaceId}/channels`);
    expect(listed.body.items.find((c: { id: string }) => c.id === channel.id).isMember).toBe(false);

    expect(
      (await owner.api.post(`/api/v1/channels/${channel.id}/members`, { userId: member.id })).status,
    ).toBe(204);
    const refused = await member.api.delete(`/api/v1/channels/${channel.id}/members/${owner.id}`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await owner.api.delete(`/api/v1/channels/${channel.id}/members/${member.id}`)).status).toBe(204);
    expect((await owner.api.delete(`/api/v1/channels/${channel.id}/members/${member.id}`)).status).toBe(404);

    const topic = await owner.api.patch(`/api/v1/channels/${channel.id}`, { topic: 'Q3 planning' });
    expect(topic.status).toBe(200);
    expect(topic.body).toMatchObject({ id: channel.id, topic: 'Q3 planning', archived: false });
    expect((await owner.api.patch(`/api/v1/channels/${channel.id}`, {})).status).toBe(400);
    expect((await owner.api.patch(`/api/v1/channels/${channel.id}`, { archived: true })).body.archived).toBe(
      true,
    );
    const post = await owner.api.post(`/api/v1/channels/${channel.id}/messages`, { text: 'hello?' });
    expect(post.status).toBe(409);
    expect(post.headers.get('content-type')).toContain('application/problem+json');

    const secret = await createChannel(owner, workspaceId, 'private');
    const hidden = await member.api.get(`/api/v1/channels/${secret.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get('content-type')).toContain('application/problem+json');
  });

  it('opens a direct conversation with 201, the same one again with 200, and names a participant outside the workspace', async () => {
    const first = await owner.api.post(`/api/v1/workspaces/${workspaceId}/dms`, { userIds: [member.id] });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'dm', name: null, memberIds: [owner.id, member.id].sort() });
    const again = await member.api.post(`/api/v1/workspaces/${workspaceId}/dms`, { userIds: [owner.id] });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    const outsider = await registerUser(server.url);
    const notMember = await owner.api.post(`/api/v1/workspaces/${workspaceId}/dms`, {
      userIds: [outsider.id],
    });
    expect(notMember.status).toBe(400);
    expect(notMember.headers.get('content-type')).toContain('application/problem+json');
    expect(notMember.body.errors).toEqual([
      { path: 'userIds/0', message: 'is not a member of this workspace' },
    ]);
  });
});
