import { addToWorkspace, createWorkspace, registerUser, TestUser } from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

let server: TestServer;
let owner: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  owner = await registerUser(server.url, 'Owner');
});
afterAll(() => server.close());

describe('workspaces', () => {
  it('creates a workspace whose creator is owner, lists and reads it; slugs are unique', async () => {
    const created = await owner.api.post('/api/v1/workspaces', { name: 'Acme', slug: 'acme' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Acme', slug: 'acme', role: 'owner' });

    const taken = await owner.api.post('/api/v1/workspaces', { name: 'Other', slug: 'acme' });
    expect(taken.status).toBe(409);

    const list = await owner.api.get('/api/v1/workspaces');
    expect(list.body).toEqual({
      items: [expect.objectContaining({ id: created.body.id })],
      nextCursor: null,
    });
    expect((await owner.api.get(`/api/v1/workspaces/${created.body.id}`)).body.slug).toBe('acme');

    const bad = await owner.api.post('/api/v1/workspaces', { name: '', slug: 'Not A Slug!' });
    expect(bad.status).toBe(400);
    expect(new Set(bad.body.errors.map((e: { path: string }) => e.path))).toEqual(new Set(['name', 'slug']));
  });

  it('pages the workspace list with a cursor', async () => {
    const user = await registerUser(server.url);
    for (let i = 0; i < 3; i++) await createWorkspace(user);
    const first = await user.api.get('/api/v1/workspaces?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await user.api.get(`/api/v1/workspaces?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const ids = [...first.body.items, ...second.body.items].map((w: { id: string }) => w.id);
    expect(new Set(ids).size).toBe(3);

    expect((await user.api.get('/api/v1/workspaces?limit=500')).status).toBe(400);
    expect((await user.api.get('/api/v1/workspaces?cursor=garbage')).body.errors[0].path).toBe(
      'query/cursor',
    );
  });

  it('invites with expiring single-use codes carrying a role', async () => {
    const workspace = await createWorkspace(owner);
    const invite = await owner.api.post(`/api/v1/workspaces/${workspace.id}/invites`, { role: 'guest' });
    expect(invite.status).toBe(201);
    expect(new Date(invite.body.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const guest = await registerUser(server.url, 'Guest');
    const accepted = await guest.api.post(`/api/v1/invites/${invite.body.code}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      workspace: { id: workspace.id },
      member: { userId: guest.id, role: 'guest' },
    });

    const late = await registerUser(server.url);
    expect((await late.api.post(`/api/v1/invites/${invite.body.code}/accept`)).status).toBe(410);
    expect((await late.api.post('/api/v1/invites/no-such-code/accept')).status).toBe(404);

    const members = await owner.api.get(`/api/v1/workspaces/${workspace.id}/members`);
    expect(members.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: owner.id, role: 'owner', isBot: false, displayName: 'Owner' }),
        expect.objectContaining({ userId: guest.id, role: 'guest' }),
      ]),
    );
  });

  it('lists the open invites to admins (without their codes) and revokes one, whose link then names nothing', async () => {
    const workspace = await createWorkspace(owner);
    const member = await registerUser(server.url);
    await addToWorkspace(owner, workspace.id, member);
    const url = `/api/v1/workspaces/${workspace.id}/invites`;
    const kept = await owner.api.post(url, { role: 'guest', maxUses: 3 });
    const revoked = await owner.api.post(url, {});
    const usedUp = await owner.api.post(url, {});
    await (await registerUser(server.url)).api.post(`/api/v1/invites/${usedUp.body.code}/accept`);

    const open = await owner.api.get(url);
    expect(open.status).toBe(200);
    expect(open.body.items.map((invite: { id: string }) => invite.id)).toEqual([
      revoked.body.id,
      kept.body.id,
    ]);
    expect(open.body.items[1]).toEqual({
      id: kept.body.id,
      role: 'guest',
      uses: 0,
      maxUses: 3,
      expiresAt: kept.body.expiresAt,
      createdBy: owner.id,
      createdAt: expect.any(String),
    });
    expect(JSON.stringify(open.body)).not.toContain(kept.body.code);

    expect((await member.api.get(url)).status).toBe(403);
    expect((await member.api.delete(`${url}/${revoked.body.id}`)).status).toBe(403);
    expect((await owner.api.delete(`${url}/${revoked.body.id}`)).status).toBe(204);
    expect((await owner.api.delete(`${url}/${revoked.body.id}`)).status).toBe(404);
    const late = await registerUser(server.url);
    expect((await late.api.post(`/api/v1/invites/${revoked.body.code}/accept`)).status).toBe(404);
    expect((await owner.api.get(url)).body.items).toEqual([expect.objectContaining({ id: kept.body.id })]);
  });

  it('applies role changes to the next request of an open session; the member routes answer 200, 204, 400, 409', async () => {
    const workspace = await createWorkspace(owner);
    const member = await registerUser(server.url);
    await addToWorkspace(owner, workspace.id, member);
    expect((await member.api.post(`/api/v1/workspaces/${workspace.id}/invites`, {})).status).toBe(403);

    const promoted = await owner.api.patch(`/api/v1/workspaces/${workspace.id}/members/${member.id}`, {
      role: 'admin',
    });
    expect(promoted.body).toMatchObject({ userId: member.id, role: 'admin' });
    expect((await member.api.post(`/api/v1/workspaces/${workspace.id}/invites`, {})).status).toBe(201);

    await owner.api.patch(`/api/v1/workspaces/${workspace.id}/members/${member.id}`, { role: 'guest' });
    expect((await member.api.post(`/api/v1/workspaces/${workspace.id}/invites`, {})).status).toBe(403);
    const create = await member.api.post(`/api/v1/workspaces/${workspace.id}/channels`, {
      name: 'x',
      kind: 'public',
    });
    expect(create.status).toBe(403);

    const members = `/api/v1/workspaces/${workspace.id}/members`;
    const lastOwner = await owner.api.patch(`${members}/${owner.id}`, { role: 'member' });
    expect(lastOwner.status).toBe(409);
    expect(lastOwner.headers.get('content-type')).toContain('application/problem+json');
    expect((await owner.api.delete(`${members}/${owner.id}`)).status).toBe(409);
    expect((await owner.api.patch(`${members}/${member.id}`, { role: 'superuser' })).status).toBe(400);
    expect((await owner.api.delete(`${members}/${member.id}`)).status).toBe(204);
    expect((await member.api.get(`/api/v1/workspaces/${workspace.id}`)).status).toBe(404);
  });
});
