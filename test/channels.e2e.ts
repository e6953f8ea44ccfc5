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

const names = (items: { name: string | null }[]) => items.map((item) => item.name);

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

  it('keeps private channels invisible (404) to non-members, also by name, and guests to their own channels', async () => {
    const secret = await createChannel(owner, workspaceId, 'private', 'secret-plans');
    const open = await createChannel(owner, workspaceId, 'public', 'open-talk');

    expect((await member.api.get(`/api/v1/channels/${secret.id}`)).status).toBe(404);
    expect((await member.api.post(`/api/v1/channels/${secret.id}/join`)).status).toBe(404);
    expect((await member.api.get(`/api/v1/channels/${secret.id}/messages`)).status).toBe(404);
    const memberList = await member.api.get(`/api/v1/workspaces/${workspaceId}/channels`);
    expect(names(memberList.body.items)).toContain('open-talk');
    expect(names(memberList.body.items)).not.toContain('secret-plans');
    // The name is taken, but the conflict must not reveal the private channel's id or details.
    const clash = await member.api.post(`/api/v1/workspaces/${workspaceId}/channels`, {
      name: 'secret-plans',
      kind: 'public',
    });
    expect(clash.status).toBe(409);
    expect(JSON.stringify(clash.body)).not.toContain(secret.id);

    expect((await guest.api.get(`/api/v1/channels/${open.id}`)).status).toBe(404);
    expect((await guest.api.post(`/api/v1/channels/${open.id}/join`)).status).toBe(404);
    expect((await guest.api.get(`/api/v1/workspaces/${workspaceId}/channels`)).body.items).toEqual([]);

    expect((await owner.api.post(`/api/v1/channels/${secret.id}/members`, { userId: guest.id })).status).toBe(
      204,
    );
    const guestList = await guest.api.get(`/api/v1/workspaces/${workspaceId}/channels`);
    expect(names(guestList.body.items)).toEqual(['secret-plans']);
    expect(guestList.body.items[0].isMember).toBe(true);
    expect((await guest.api.get(`/api/v1/channels/${secret.id}`)).status).toBe(200);
  });

  it('joins and leaves public channels; members add and creators remove people', async () => {
    const channel = await createChannel(owner, workspaceId);
    expect((await member.api.post(`/api/v1/channels/${channel.id}/join`)).status).toBe(200);
    const listed = await member.api.get(`/api/v1/workspaces/${workspaceId}/channels`);
    expect(listed.body.items.find((c: { id: string }) => c.id === channel.id).isMember).toBe(true);
    expect((await member.api.post(`/api/v1/channels/${channel.id}/leave`)).status).toBe(204);
    const after = await member.api.get(`/api/v1/workspaces/${workspaceId}/channels`);
    expect(after.body.items.find((c: { id: string }) => c.id === channel.id).isMember).toBe(false);

    const stranger = await registerUser(server.url);
    const notInWorkspace = await owner.api.post(`/api/v1/channels/${channel.id}/members`, {
      userId: stranger.id,
    });
    expect(notInWorkspace.status).toBe(404);
    expect(
      (await guest.api.post(`/api/v1/channels/${channel.id}/members`, { userId: member.id })).status,
    ).toBe(404);

    await owner.api.post(`/api/v1/channels/${channel.id}/members`, { userId: member.id });
    expect((await member.api.delete(`/api/v1/channels/${channel.id}/members/${owner.id}`)).status).toBe(403);
    expect((await owner.api.delete(`/api/v1/channels/${channel.id}/members/${member.id}`)).status).toBe(204);
    expect((await owner.api.delete(`/api/v1/channels/${channel.id}/members/${member.id}`)).status).toBe(404);
  });

  it('renames, sets topics and archives by the rules; archived channels refuse posts', async () => {
    const channel = await createChannel(owner, workspaceId);
    await member.api.post(`/api/v1/channels/${channel.id}/join`);
    expect(
      (await member.api.patch(`/api/v1/channels/${channel.id}`, { topic: 'Q3 planning' })).body.topic,
    ).toBe('Q3 planning');
    expect((await member.api.patch(`/api/v1/channels/${channel.id}`, { name: 'renamed' })).status).toBe(403);
    expect((await owner.api.patch(`/api/v1/channels/${channel.id}`, { name: 'renamed-ok' })).body.name).toBe(
      'renamed-ok',
    );
    expect((await owner.api.patch(`/api/v1/channels/${channel.id}`, {})).status).toBe(400);

    const archived = await owner.api.patch(`/api/v1/channels/${channel.id}`, { archived: true });
    expect(archived.body.archived).toBe(true);
    const post = await member.api.post(`/api/v1/channels/${channel.id}/messages`, { text: 'hello?' });
    expect(post.status).toBe(409);
    expect(post.headers.get('content-type')).toContain('application/problem+json');
    expect((await member.api.patch(`/api/v1/channels/${channel.id}`, { topic: 'x' })).status).toBe(409);
    expect((await owner.api.patch(`/api/v1/channels/${channel.id}`, { archived: false })).body.archived).toBe(
      false,
    );
    expect((await member.api.post(`/api/v1/channels/${channel.id}/messages`, { text: 'back' })).status).toBe(
      201,
    );
  });

  it('gives the same set of people the same direct conversation', async () => {
    const first = await owner.api.post(`/api/v1/workspaces/${workspaceId}/dms`, { userIds: [member.id] });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'dm', name: null, memberIds: [owner.id, member.id].sort() });
    // The channel list names a DM's people too (the client titles DMs and shows their presence from it).
    const listed = await member.api.get(`/api/v1/workspaces/${workspaceId}/channels`);
    const { items } = listed.body as { items: { id: string; memberIds?: string[] }[] };
    const dmId = (first.body as { id: string }).id;
    expect(items.find((item) => item.id === dmId)?.memberIds).toEqual([owner.id, member.id].sort());
    const again = await member.api.post(`/api/v1/workspaces/${workspaceId}/dms`, { userIds: [owner.id] });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);

    const group = await owner.api.post(`/api/v1/workspaces/${workspaceId}/dms`, {
      userIds: [member.id, guest.id],
    });
    expect(group.body.id).not.toBe(first.body.id);
    const groupAgain = await guest.api.post(`/api/v1/workspaces/${workspaceId}/dms`, {
      userIds: [owner.id, member.id],
    });
    expect(groupAgain.body.id).toBe(group.body.id);

    const outsider = await registerUser(server.url);
    expect((await outsider.api.get(`/api/v1/channels/${first.body.id}`)).status).toBe(404);
    expect((await guest.api.get(`/api/v1/channels/${first.body.id}`)).status).toBe(404);
    const notMember = await owner.api.post(`/api/v1/workspaces/${workspaceId}/dms`, {
      userIds: [outsider.id],
    });
    expect(notMember.status).toBe(400);
    expect(notMember.body.errors).toEqual([
      { path: 'userIds/0', message: 'is not a member of this workspace' },
    ]);
    expect(
      (await owner.api.post(`/api/v1/channels/${first.body.id}/members`, { userId: guest.id })).status,
    ).toBe(403);
  });
});
