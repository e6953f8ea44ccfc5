import { ApiClient } from '../fixtures/api-client';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
} from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

/**
 * The authorization matrix: every endpoint that touches a workspace, channel, message or file, called by
 * each kind of caller who must not get through. 404 where the resource must stay invisible, 403 where the
 * caller may know it exists, 401 without a valid token; and never a byte of another tenant's data.
 */
type Actor = 'outsider' | 'nonMember' | 'guest' | 'removed';

interface Fixture {
  workspaceId: string;
  publicChannelId: string;
  privateChannelId: string;
  dmId: string;
  privateMessageId: string;
  publicMessageId: string;
  privateFileId: string;
  ownerId: string;
  memberId: string;
}

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: (f: Fixture) => string;
  body?: (f: Fixture) => unknown;
  expected: Partial<Record<Actor, number>>;
}

const hidden = { outsider: 404, nonMember: 404, guest: 404, removed: 404 } as const;

const cases: Case[] = [
  {
    name: 'read workspace',
    method: 'GET',
    path: (f) => `/api/v1/workspaces/${f.workspaceId}`,
    expected: { outsider: 404, removed: 404 },
  },
  {
    name: 'list members',
    method: 'GET',
    path: (f) => `/api/v1/workspaces/${f.workspaceId}/members`,
    expected: { outsider: 404, removed: 404 },
  },
  {
    name: 'create invite',
    method: 'POST',
    path: (f) => `/api/v1/workspaces/${f.workspaceId}/invites`,
    body: () => ({ role: 'admin' }),
    expected: { outsider: 404, removed: 404, nonMember: 403, guest: 403 },
  },
  {
    name: 'change a role',
    method: 'PATCH',
    path: (f) => `/api/v1/workspaces/${f.workspaceId}/members/${f.ownerId}`,
    body: () => ({ role: 'guest' }),
    expected: { outsider: 404, removed: 404, nonMember: 403, guest: 403 },
  },
  {
    name: 'remove a member',
    method: 'DELETE',
    path: (f) => `/api/v1/workspaces/${f.workspaceId}/members/${f.ownerId}`,
    expected: { outsider: 404, removed: 404, nonMember: 403, guest: 403 },
  },
  {
    name: 'create channel',
    method: 'POST',
    path: (f) => `/api/v1/workspaces/${f.workspaceId}/channels`,
    body: () => ({ name: 'intruders', kind: 'public' }),
    expected: { outsider: 404, removed: 404, guest: 403 },
  },
  {
    name: 'list channels',
    method: 'GET',
    path: (f) => `/api/v1/workspaces/${f.workspaceId}/channels`,
    expected: { outsider: 404, removed: 404 },
  },
  {
    name: 'open DM',
    method: 'POST',
    path: (f) => `/api/v1/workspaces/${f.workspaceId}/dms`,
    body: (f) => ({ userIds: [f.ownerId] }),
    expected: { outsider: 404, removed: 404 },
  },
  {
    name: 'search',
    method: 'GET',
    path: (f) => `/api/v1/workspaces/${f.workspaceId}/search?q=classified`,
    expected: { outsider: 404, removed: 404 },
  },
  {
    name: 'upload file',
    method: 'POST',
    path: (f) => `/api/v1/workspaces/${f.workspaceId}/files`,
    body: () => {
      const form = new FormData();
      form.append('file', new Blob(['x']), 'x.txt');
      return form;
    },
    expected: { outsider: 404, removed: 404 },
  },
  {
    name: 'read private channel',
    method: 'GET',
    path: (f) => `/api/v1/channels/${f.privateChannelId}`,
    expected: hidden,
  },
  {
    name: 'update private channel',
    method: 'PATCH',
    path: (f) => `/api/v1/channels/${f.privateChannelId}`,
    body: () => ({ topic: 'pwned' }),
    expected: hidden,
  },
  {
    name: 'join private channel',
    method: 'POST',
    path: (f) => `/api/v1/channels/${f.privateChannelId}/join`,
    expected: hidden,
  },
  {
    name: 'leave private channel',
    method: 'POST',
    path: (f) => `/api/v1/channels/${f.privateChannelId}/leave`,
    expected: hidden,
  },
  {
    name: 'add to private channel',
    method: 'POST',
    path: (f) => `/api/v1/channels/${f.privateChannelId}/members`,
    body: (f) => ({ userId: f.memberId }),
    expected: hidden,
  },
  {
    name: 'remove from private channel',
    method: 'DELETE',
    path: (f) => `/api/v1/channels/${f.privateChannelId}/members/${f.ownerId}`,
    expected: hidden,
  },
  {
    name: 'list private messages',
    method: 'GET',
    path: (f) => `/api/v1/channels/${f.privateChannelId}/messages`,
    expected: hidden,
  },
  {
    name: 'post to private channel',
    method: 'POST',
    path: (f) => `/api/v1/channels/${f.privateChannelId}/messages`,
    body: () => ({ text: 'hi' }),
    expected: hidden,
  },
  {
    name: 'read DM',
    method: 'GET',
    path: (f) => `/api/v1/channels/${f.dmId}`,
    expected: { outsider: 404, guest: 404, removed: 404 },
  },
  {
    name: 'read public channel',
    method: 'GET',
    path: (f) => `/api/v1/channels/${f.publicChannelId}`,
    expected: { outsider: 404, guest: 404, removed: 404 },
  },
  {
    name: 'join public channel',
    method: 'POST',
    path: (f) => `/api/v1/channels/${f.publicChannelId}/join`,
    expected: { outsider: 404, guest: 404, removed: 404 },
  },
  {
    name: 'post to public channel without joining',
    method: 'POST',
    path: (f) => `/api/v1/channels/${f.publicChannelId}/messages`,
    body: () => ({ text: 'hi' }),
    expected: { outsider: 404, guest: 404, removed: 404, nonMember: 403 },
  },
  {
    name: 'read private message',
    method: 'GET',
    path: (f) => `/api/v1/messages/${f.privateMessageId}`,
    expected: hidden,
  },
  {
    name: 'read private thread',
    method: 'GET',
    path: (f) => `/api/v1/messages/${f.privateMessageId}/replies`,
    expected: hidden,
  },
  {
    name: 'edit private message',
    method: 'PATCH',
    path: (f) => `/api/v1/messages/${f.privateMessageId}`,
    body: () => ({ text: 'pwned' }),
    expected: hidden,
  },
  {
    name: 'delete private message',
    method: 'DELETE',
    path: (f) => `/api/v1/messages/${f.privateMessageId}`,
    expected: hidden,
  },
  {
    name: 'react to private message',
    method: 'POST',
    path: (f) => `/api/v1/messages/${f.privateMessageId}/reactions`,
    body: () => ({ emoji: 'eyes' }),
    expected: hidden,
  },
  {
    name: 'unreact on private message',
    method: 'DELETE',
    path: (f) => `/api/v1/messages/${f.privateMessageId}/reactions/eyes`,
    expected: hidden,
  },
  {
    name: "edit someone else's public message",
    method: 'PATCH',
    path: (f) => `/api/v1/messages/${f.publicMessageId}`,
    body: () => ({ text: 'pwned' }),
    expected: { outsider: 404, guest: 404, removed: 404, nonMember: 403 },
  },
  {
    name: "delete someone else's public message",
    method: 'DELETE',
    path: (f) => `/api/v1/messages/${f.publicMessageId}`,
    expected: { outsider: 404, guest: 404, removed: 404, nonMember: 403 },
  },
  {
    name: 'mark private channel read',
    method: 'POST',
    path: (f) => `/api/v1/channels/${f.privateChannelId}/read`,
    body: (f) => ({ messageId: f.privateMessageId }),
    expected: hidden,
  },
  {
    name: 'mark public channel read without joining',
    method: 'POST',
    path: (f) => `/api/v1/channels/${f.publicChannelId}/read`,
    body: (f) => ({ messageId: f.publicMessageId }),
    expected: { outsider: 404, guest: 404, removed: 404, nonMember: 403 },
  },
  {
    name: 'read the avatar of someone sharing no workspace (or no longer)',
    method: 'GET',
    path: (f) => `/api/v1/users/${f.ownerId}/avatar`,
    expected: { outsider: 404, removed: 404 },
  },
  {
    name: 'read private file',
    method: 'GET',
    path: (f) => `/api/v1/files/${f.privateFileId}`,
    expected: hidden,
  },
  {
    name: 'download private file',
    method: 'GET',
    path: (f) => `/api/v1/files/${f.privateFileId}/content`,
    expected: hidden,
  },
];

let server: TestServer;
let fixture: Fixture;
let callers: Record<Actor, ApiClient>;
let revoked: ApiClient;
let anonymous: ApiClient;
let ownerApi: ApiClient;
const secrets = ['classified payload', 'classified file bytes'];

beforeAll(async () => {
  server = await startTestServer();
  const owner = await registerUser(server.url, 'Owner');
  const member = await registerUser(server.url, 'Member');
  const guest = await registerUser(server.url, 'Guest');
  const removed = await registerUser(server.url, 'Removed');
  const outsider = await registerUser(server.url, 'Outsider');
  await createWorkspace(outsider); // a tenant of its own

  const workspaceId = (await createWorkspace(owner)).id;
  for (const user of [member, removed]) await addToWorkspace(owner, workspaceId, user);
  await addToWorkspace(owner, workspaceId, guest, 'guest');
  const publicChannel = await createChannel(owner, workspaceId, 'public');
  const privateChannel = await createChannel(owner, workspaceId, 'private');
  await owner.api.post(`/api/v1/channels/${privateChannel.id}/members`, { userId: removed.id });
  const form = new FormData();
  form.append('file', new Blob([secrets[1]], { type: 'text/plain' }), 'secret.txt');
  const file = await owner.api.post(`/api/v1/workspaces/${workspaceId}/files`, form);
  const privateMessage = await postMessage(owner, privateChannel.id, secrets[0], { fileIds: [file.body.id] });
  const publicMessage = await postMessage(owner, publicChannel.id, 'public classified note');
  const dm = await owner.api.post(`/api/v1/workspaces/${workspaceId}/dms`, { userIds: [member.id] });

  // The removed member had access to everything above until now.
  expect((await removed.api.get(`/api/v1/messages/${privateMessage.id}`)).status).toBe(200);
  await owner.api.delete(`/api/v1/workspaces/${workspaceId}/members/${removed.id}`);

  const pat = await owner.api.post('/api/v1/me/tokens', { name: 'to revoke' });
  expect((await owner.api.as(pat.body.token).get(`/api/v1/workspaces/${workspaceId}`)).status).toBe(200);
  await owner.api.delete(`/api/v1/me/tokens/${pat.body.id}`);

  fixture = {
    workspaceId,
    publicChannelId: publicChannel.id,
    privateChannelId: privateChannel.id,
    dmId: dm.body.id,
    privateMessageId: privateMessage.id,
    publicMessageId: publicMessage.id,
    privateFileId: file.body.id,
    ownerId: owner.id,
    memberId: member.id,
  };
  callers = { outsider: outsider.api, nonMember: member.api, guest: guest.api, removed: removed.api };
  revoked = owner.api.as(pat.body.token);
  anonymous = new ApiClient(server.url);
  ownerApi = owner.api;
});
afterAll(() => server.close());

const rows = cases.flatMap((c) =>
  (Object.entries(c.expected) as [Actor, number][]).map(([actor, status]) => ({ c, actor, status })),
);

describe('authorization matrix', () => {
  it.each(rows.map((row) => [row.c.name, row.actor, row.status, row.c] as const))(
    '%s as %s → %i',
    async (_name, actor, status, c) => {
      const response = await callers[actor].request(c.method, c.path(fixture), c.body?.(fixture));
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const text = JSON.stringify(response.body);
      for (const secret of secrets) expect(text).not.toContain(secret);
    },
  );

  it.each(cases.map((c) => [c.name, c] as const))('%s without a valid token → 401', async (_name, c) => {
    for (const client of [anonymous, revoked]) {
      const response = await client.request(c.method, c.path(fixture), c.body?.(fixture));
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('leaves the protected state untouched after all those attempts', async () => {
    const message = await ownerApi.get(`/api/v1/messages/${fixture.privateMessageId}`);
    expect(message.body).toMatchObject({ text: secrets[0], reactions: [], editedAt: null });
    expect((await ownerApi.get(`/api/v1/channels/${fixture.privateChannelId}`)).body.topic).toBe('');
    const members = await ownerApi.get(`/api/v1/workspaces/${fixture.workspaceId}/members`);
    expect(members.body.items.find((m: { userId: string }) => m.userId === fixture.ownerId).role).toBe(
      'owner',
    );
    const channels = await ownerApi.get(`/api/v1/workspaces/${fixture.workspaceId}/channels`);
    expect(channels.body.items.map((c: { name: string }) => c.name)).not.toContain('intruders');
    const search = await callers.nonMember.get(
      `/api/v1/workspaces/${fixture.workspaceId}/search?q=classified`,
    );
    expect(search.body.items.map((m: { id: string }) => m.id)).toEqual([fixture.publicMessageId]);
  });
});
