import { ApiClient } from '../fixtures/api-client';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

/** Slack-compatible incoming webhooks: what a Slack integration already sends, posted as the hook's bot. */
let server: TestServer;
let owner: TestUser;
let workspaceId: string;
let channelId: string;
let anonymous: ApiClient;

beforeAll(async () => {
  server = await startTestServer({
    publicUrl: 'https://chat.example.test',
    incomingWebhookRatePerMinute: 5,
    incomingWebhookMaxBytes: 4096,
  });
  owner = await registerUser(server.url, 'Owner');
  workspaceId = (await createWorkspace(owner)).id;
  channelId = (await createChannel(owner, workspaceId)).id;
  anonymous = new ApiClient(server.url);
});

afterAll(async () => {
  await server.close();
});

async function createHook(user: TestUser, channel: string, name = 'Deploy bot') {
  const response = await user.api.post(`/api/v1/channels/${channel}/incoming-webhooks`, { name });
  expect(response.status).toBe(201);
  const body = response.body as { id: string; url: string; botUserId: string };
  // The URL is public-facing; tests reach the same path on the loopback server.
  return { ...body, path: new URL(body.url).pathname };
}

async function latest(channel: string) {
  const response = await owner.api.get(`/api/v1/channels/${channel}/messages?limit=1`);
  return response.body.items[0];
}

describe('incoming webhooks', () => {
  it('posts Slack payloads (JSON or form) into the channel as the hook’s bot', async () => {
    const hook = await createHook(owner, channelId);
    expect(hook.url).toMatch(/^https:\/\/chat\.example\.test\/hooks\/jkh_[A-Za-z0-9_-]{43}$/);

    const json = await anonymous.post(hook.path, {
      text: 'Deployed *v1.2.3* to production',
      username: 'CI',
      icon_url: 'https://ci.example.test/icon.png',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Deployed *v1.2.3*' } }],
    });
    expect(json).toMatchObject({ status: 200, body: 'ok' });
    expect(await latest(channelId)).toMatchObject({
      userId: hook.botUserId,
      text: 'Deployed *v1.2.3* to production',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Deployed *v1.2.3*' } }],
      botProfile: { username: 'CI', iconUrl: 'https://ci.example.test/icon.png' },
    });

    const form = await anonymous.post(
      hook.path,
      `payload=${encodeURIComponent(JSON.stringify({ text: 'from a form' }))}`,
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    );
    expect(form.status).toBe(200);
    const posted = await latest(channelId);
    expect(posted).toMatchObject({ userId: hook.botUserId, text: 'from a form' });
    expect(posted.botProfile).toBeUndefined();

    const members = await owner.api.get(`/api/v1/workspaces/${workspaceId}/members`);
    expect(members.body.items).toContainEqual(
      expect.objectContaining({ userId: hook.botUserId, isBot: true, displayName: 'Deploy bot' }),
    );
  });

  it('answers in a thread when thread_ts names a message of the channel', async () => {
    const hook = await createHook(owner, channelId, 'Threader');
    const root = await postMessage(owner, channelId, 'release thread');
    expect((await anonymous.post(hook.path, { text: 'step 1 done', thread_ts: root.id })).status).toBe(200);
    const replies = await owner.api.get(`/api/v1/messages/${root.id}/replies`);
    expect(replies.body.items.map((reply: { text: string }) => reply.text)).toContain('step 1 done');

    const bad = await anonymous.post(hook.path, { text: 'lost', thread_ts: '1700000000.000100' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'thread_ts', message: expect.any(String) }]);
  });

  it('refuses unknown tokens, bad payloads, oversized bodies, and too many posts', async () => {
    const hook = await createHook(owner, channelId, 'Limited');
    expect((await anonymous.post('/hooks/jkh_nothing', { text: 'hi' })).status).toBe(404);

    const missing = await anonymous.post(hook.path, { username: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body.errors).toEqual([{ path: 'text', message: 'is required' }]);
    const notJson = await anonymous.post(hook.path, 'payload=%7Bnope', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(notJson.body.errors).toEqual([{ path: 'payload', message: 'is not JSON' }]);
    expect((await anonymous.post(hook.path, { text: 'x'.repeat(5000) })).status).toBe(413);

    // The two bad payloads count against the limit of 5 a minute (the 413 never reached the handler).
    for (const text of ['three', 'four', 'five']) {
      expect((await anonymous.post(hook.path, { text })).status).toBe(200);
    }
    const limited = await anonymous.post(hook.path, { text: 'six' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await latest(channelId)).text).toBe('five');
  });

  it('refuses text that cannot be stored inside a form’s payload JSON, naming the field', async () => {
    const hook = await createHook(owner, channelId, 'Escapes');
    // The escapes are plain ASCII in the form: they become NUL and a lone surrogate only once parsed.
    const payload = String.raw`{"text":"a\u0000b","username":"\ud800"}`;
    const refused = await anonymous.post(hook.path, `payload=${encodeURIComponent(payload)}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.errors.map((error: { path: string }) => error.path)).toEqual([
      'payload/text',
      'payload/username',
    ]);
  });

  it('lets only channel members who are not guests manage hooks; removal revokes the URL', async () => {
    const guest = await registerUser(server.url);
    const outsider = await registerUser(server.url);
    const member = await registerUser(server.url);
    await addToWorkspace(owner, workspaceId, guest, 'guest');
    await addToWorkspace(owner, workspaceId, member);
    const secret = await createChannel(owner, workspaceId, 'private');
    await owner.api.post(`/api/v1/channels/${secret.id}/members`, { userId: guest.id });

    expect(
      (await guest.api.post(`/api/v1/channels/${secret.id}/incoming-webhooks`, { name: 'x' })).status,
    ).toBe(403);
    expect(
      (await member.api.post(`/api/v1/channels/${secret.id}/incoming-webhooks`, { name: 'x' })).status,
    ).toBe(404);
    expect(
      (await outsider.api.post(`/api/v1/channels/${channelId}/incoming-webhooks`, { name: 'x' })).status,
    ).toBe(404);
    expect(
      (await owner.api.post(`/api/v1/channels/${secret.id}/incoming-webhooks`, { name: ' ' })).status,
    ).toBe(400);

    const hook = await createHook(owner, secret.id, 'Private feed');
    expect((await anonymous.post(hook.path, { text: 'into the private channel' })).status).toBe(200);
    expect((await latest(secret.id)).text).toBe('into the private channel');
    const listed = await owner.api.get(`/api/v1/channels/${secret.id}/incoming-webhooks`);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: hook.id, name: 'Private feed' })]);
    expect(JSON.stringify(listed.body)).not.toContain('jkh_');

    expect((await member.api.delete(`/api/v1/incoming-webhooks/${hook.id}`)).status).toBe(404);
    expect((await owner.api.delete(`/api/v1/incoming-webhooks/${hook.id}`)).status).toBe(204);
    expect((await anonymous.post(hook.path, { text: 'too late' })).status).toBe(404);
  });

  it('regenerates a hook’s URL (the old one stops at once) and lists the workspace’s hooks to its admins only, private channels kept hidden', async () => {
    const admin = await registerUser(server.url, 'Admin');
    const member = await registerUser(server.url, 'Member');
    await addToWorkspace(owner, workspaceId, admin, 'admin');
    await addToWorkspace(owner, workspaceId, member);
    const open = await createChannel(owner, workspaceId);
    const hidden = await createChannel(owner, workspaceId, 'private');
    const hook = await createHook(owner, open.id, 'Regenerated');
    const secretHook = await createHook(owner, hidden.id, 'Hidden');

    expect((await member.api.post(`/api/v1/incoming-webhooks/${hook.id}/regenerate`)).status).toBe(403);
    const regenerated = await admin.api.post(`/api/v1/incoming-webhooks/${hook.id}/regenerate`);
    expect(regenerated.status).toBe(200);
    const url = new URL((regenerated.body as { url: string }).url);
    expect(url.pathname).not.toBe(hook.path);
    expect((await anonymous.post(hook.path, { text: 'old URL' })).status).toBe(404);
    expect((await anonymous.post(url.pathname, { text: 'new URL' })).status).toBe(200);
    expect((await latest(open.id)).text).toBe('new URL');

    const listedTo = async (user: TestUser) => {
      const listed = await user.api.get(`/api/v1/workspaces/${workspaceId}/incoming-webhooks`);
      return {
        status: listed.status,
        ids: ((listed.body.items ?? []) as { id: string }[]).map((item) => item.id),
      };
    };
    expect((await listedTo(member)).status).toBe(403);
    const toAdmin = await listedTo(admin);
    expect(toAdmin.ids).toContain(hook.id);
    expect(toAdmin.ids).not.toContain(secretHook.id);
    expect((await listedTo(owner)).ids).toEqual(expect.arrayContaining([hook.id, secretHook.id]));
  });
});
