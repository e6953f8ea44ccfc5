import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { addToWorkspace, createWorkspace, registerUser, TestUser } from '../fixtures/factories';
import { RealtimeClient } from '../fixtures/realtime-client';
import { startTestServer, TestServer } from './support/server';

const AVATAR_LIMIT = 300_000;

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let outsider: TestUser;
let workspaceId: string;
let bobSocket: RealtimeClient;

beforeAll(async () => {
  server = await startTestServer({ avatarUploadLimitBytes: AVATAR_LIMIT });
  [alice, bob, outsider] = await Promise.all(
    ['Alice', 'Bob', 'Outsider'].map((name) => registerUser(server.url, name)),
  );
  workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, bob);
  bobSocket = await RealtimeClient.connect(server.url, { token: bob.token });
});
afterAll(async () => {
  bobSocket.close();
  await server.close();
});

const image = (format: 'png' | 'jpeg' | 'gif' | 'webp', width = 600, height = 400) =>
  sharp({ create: { width, height, channels: 3, background: '#cc3366' } })
    .toFormat(format)
    .toBuffer();

function form(content: Uint8Array | string, type = 'image/png', field = 'file'): FormData {
  const data = new FormData();
  data.append(field, new Blob([content], { type }), 'me.png');
  return data;
}

const uploadAvatar = (user: TestUser, body: FormData) => user.api.put('/api/v1/me/avatar', body);

/** The avatar's bytes and headers as a browser's fetch gets them. */
async function fetchAvatar(viewer: TestUser, userId: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/api/v1/users/${userId}/avatar`, {
    headers: { authorization: `Bearer ${viewer.token}`, ...headers },
  });
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

async function memberOf(viewer: TestUser, userId: string) {
  const members = await viewer.api.get(`/api/v1/workspaces/${workspaceId}/members`);
  return members.body.items.find((member: { userId: string }) => member.userId === userId);
}

describe('PATCH /me', () => {
  it('renames the caller and tells the people of their workspaces', async () => {
    const renamed = await alice.api.patch('/api/v1/me', { displayName: 'Alice Liddell' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({
      id: alice.id,
      email: alice.email,
      displayName: 'Alice Liddell',
      avatarUrl: null,
      createdAt: expect.any(String),
    });
    expect((await alice.api.get('/api/v1/me')).body.displayName).toBe('Alice Liddell');
    expect(await memberOf(bob, alice.id)).toMatchObject({ displayName: 'Alice Liddell', role: 'owner' });
    const event = await bobSocket.next(
      (frame) => frame.type === 'workspace.member_updated' && frame.data.displayName === 'Alice Liddell',
    );
    expect(event.data).toMatchObject({ workspaceId, userId: alice.id, role: 'owner', avatarUrl: null });
  });

  it('refuses names that are empty, blank, too long, and fields it does not know', async () => {
    for (const [body, paths] of [
      [{}, ['displayName']],
      [{ displayName: '   ' }, ['displayName']],
      [{ displayName: 'x'.repeat(81) }, ['displayName']],
      [{ displayName: 'Al', email: 'x@example.test' }, ['email']],
    ] as const) {
      const refused = await alice.api.patch('/api/v1/me', body);
      expect(refused.status).toBe(400);
      expect(refused.body.errors.map((error: { path: string }) => error.path)).toEqual(paths);
    }
  });
});

describe('avatars', () => {
  it('stores a 256×256 WebP of the upload and serves it to people sharing a workspace', async () => {
    const uploaded = await uploadAvatar(bob, form(await image('jpeg'), 'image/jpeg'));
    expect(uploaded.status).toBe(200);
    const avatarUrl = uploaded.body.avatarUrl as string;
    expect(avatarUrl).toMatch(new RegExp(`^/api/v1/users/${bob.id}/avatar\\?v=[\\w-]+$`));
    expect((await bob.api.get('/api/v1/me')).body.avatarUrl).toBe(avatarUrl);
    expect(await memberOf(alice, bob.id)).toMatchObject({ avatarUrl });

    const served = await fetchAvatar(alice, bob.id);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(await sharp(served.body).metadata()).toMatchObject({ format: 'webp', width: 256, height: 256 });
    // The versioned URL works as well, and an unchanged avatar is not sent again.
    const versioned = await fetch(server.url + avatarUrl, {
      headers: { authorization: `Bearer ${bob.token}` },
    });
    expect(versioned.status).toBe(200);
    const etag = served.headers.get('etag') as string;
    expect((await fetchAvatar(alice, bob.id, { 'if-none-match': etag })).status).toBe(304);

    expect((await fetchAvatar(outsider, bob.id)).status).toBe(404);
    expect((await fetchAvatar(alice, outsider.id)).status).toBe(404); // no avatar, and no workspace in common
    expect((await fetchAvatar(alice, alice.id)).status).toBe(404); // no avatar yet
    expect((await fetchAvatar(alice, 'not-a-user')).status).toBe(404);

    // A new image replaces it under a new version, and the workspace hears of it.
    const replaced = await uploadAvatar(bob, form(await image('gif', 50, 80), 'image/gif'));
    expect(replaced.status).toBe(200);
    expect(replaced.body.avatarUrl).not.toBe(avatarUrl);
    expect((await fetchAvatar(alice, bob.id, { 'if-none-match': etag })).status).toBe(200);
    await bobSocket.next(
      (frame) =>
        frame.type === 'workspace.member_updated' &&
        frame.data.userId === bob.id &&
        frame.data.avatarUrl === replaced.body.avatarUrl,
    );

    expect((await bob.api.delete('/api/v1/me/avatar')).status).toBe(204);
    expect((await fetchAvatar(alice, bob.id)).status).toBe(404);
    expect((await bob.api.get('/api/v1/me')).body.avatarUrl).toBeNull();
    expect((await bob.api.delete('/api/v1/me/avatar')).status).toBe(204);
  });

  it('accepts PNG, WebP and GIF too, recognised by content whatever the declared type', async () => {
    for (const format of ['png', 'webp', 'gif'] as const) {
      const uploaded = await uploadAvatar(alice, form(await image(format), 'application/octet-stream'));
      expect(uploaded.status).toBe(200);
    }
  });

  it('refuses what is not an accepted image, a broken one, an oversized one, and a missing file', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    for (const content of [
      svg,
      '<html><body>hi</body></html>',
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
        .tiff()
        .toBuffer(),
    ]) {
      const refused = await uploadAvatar(alice, form(content, 'image/png'));
      expect(refused.status).toBe(415);
      expect(refused.body.errors).toEqual([
        { path: 'file', message: 'is not a PNG, JPEG, WebP or GIF image' },
      ]);
    }
    const broken = await uploadAvatar(alice, form((await image('png')).subarray(0, 60)));
    expect(broken.status).toBe(400);
    expect(broken.body.errors[0].path).toBe('file');

    const noisy = await sharp(randomBytes(600 * 600 * 3), { raw: { width: 600, height: 600, channels: 3 } })
      .png()
      .toBuffer();
    expect(noisy.length).toBeGreaterThan(AVATAR_LIMIT);
    expect((await uploadAvatar(alice, form(noisy))).status).toBe(413);

    expect((await uploadAvatar(alice, new FormData())).status).toBe(400);
    expect((await uploadAvatar(alice, form(await image('png'), 'image/png', 'avatar'))).status).toBe(400);
    const notMultipart = await alice.api.put('/api/v1/me/avatar', { file: 'x' });
    expect(notMultipart.status).toBe(415);
  });
});

describe('avatar upload limit', () => {
  it('refuses a 21st upload within the hour, with Retry-After', async () => {
    const carol = await registerUser(server.url, 'Carol');
    const small = await image('png', 32, 32);
    for (let i = 0; i < 20; i++) expect((await uploadAvatar(carol, form(small))).status).toBe(200);
    const refused = await uploadAvatar(carol, form(small));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('the OpenAPI document', () => {
  it('describes the profile, avatar and read-state routes with their request and response schemas', async () => {
    const { body } = await alice.api.as(undefined).get('/api/docs-json');
    const json = (operation: any, status: string) =>
      operation.responses[status].content['application/json'].schema;
    expect(json(body.paths['/api/v1/me'].patch, '200').title).toBe('UserView');
    expect(body.paths['/api/v1/me'].patch.requestBody.content['application/json'].schema.required).toEqual([
      'displayName',
    ]);
    expect(json(body.paths['/api/v1/me/avatar'].put, '200').title).toBe('UserView');
    expect(body.paths['/api/v1/me/avatar'].put.requestBody.content['multipart/form-data']).toBeDefined();
    expect(body.paths['/api/v1/me/avatar'].delete).toBeDefined();
    expect(
      body.paths['/api/v1/users/{userId}/avatar'].get.responses['200'].content['image/webp'],
    ).toBeDefined();
    expect(json(body.paths['/api/v1/channels/{channelId}/read'].post, '200').title).toBe('ReadState');
    const list = json(body.paths['/api/v1/workspaces/{workspaceId}/channels'].get, '200');
    expect(list.properties.items.items.required).toEqual(
      expect.arrayContaining(['isMember', 'lastReadId', 'unreadCount', 'mentionCount']),
    );
  });
});
