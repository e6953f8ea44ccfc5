import { test, type APIRequestContext, type Browser, type BrowserContextOptions } from '@playwright/test';
import pg from 'pg';
import { v7 } from 'uuid';

/** What sign-up answers; the client keeps it in localStorage under this key (web/src/lib/session.ts). */
export interface SeededUser {
  user: { id: string; displayName: string; email: string };
  token: string;
}
const SESSION_KEY = 'jokkaer.session';

let counter = 0;
/**
 * A suffix no other journey's names share: journeys run in several worker processes against one server, so
 * the time and this process's counter alone could meet another worker's; its process id tells them apart.
 */
export const unique = () => `${Date.now().toString(36)}-${process.pid.toString(36)}-${(counter += 1)}`;

async function call<T>(
  request: APIRequestContext,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  token?: string,
  body?: object,
): Promise<T> {
  const response = await request.fetch(path, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    data: body,
  });
  if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as T;
}

/** People, a workspace and channels made through the API, for journeys that are not about making them. */
export const seed = {
  user: (request: APIRequestContext, displayName: string) =>
    call<SeededUser>(request, 'POST', '/api/v1/auth/register', undefined, {
      email: `${displayName.toLowerCase()}-${unique()}@example.test`,
      password: 'correct horse battery',
      displayName,
    }),

  /**
   * The instance admin: the server running the journeys names this address in INSTANCE_ADMIN_EMAILS. Signed
   * up once per database, signed in on later calls.
   */
  async instanceAdmin(request: APIRequestContext): Promise<SeededUser> {
    const credentials = { email: 'instance-admin@example.test', password: 'correct horse battery' };
    const registered = await request.post('/api/v1/auth/register', {
      data: { ...credentials, displayName: 'Operator' },
    });
    if (registered.ok()) return (await registered.json()) as SeededUser;
    return call<SeededUser>(request, 'POST', '/api/v1/auth/login', undefined, credentials);
  },

  /** A workspace owned by the first person, the others joined by invite. */
  async workspace(request: APIRequestContext, owner: SeededUser, others: SeededUser[] = []) {
    const id = unique();
    const workspace = await call<{ id: string; name: string }>(
      request,
      'POST',
      '/api/v1/workspaces',
      owner.token,
      { name: `Team ${id}`, slug: `team-${id}` },
    );
    for (const other of others) {
      const invite = await call<{ code: string }>(
        request,
        'POST',
        `/api/v1/workspaces/${workspace.id}/invites`,
        owner.token,
        { role: 'member' },
      );
      await call(request, 'POST', `/api/v1/invites/${invite.code}/accept`, other.token);
    }
    return workspace;
  },

  /** A public channel the creator is in; the others join it. */
  async channel(
    request: APIRequestContext,
    workspaceId: string,
    creator: SeededUser,
    name: string,
    others: SeededUser[] = [],
  ) {
    const channel = await call<{ id: string }>(
      request,
      'POST',
      `/api/v1/workspaces/${workspaceId}/channels`,
      creator.token,
      { name, kind: 'public' },
    );
    for (const other of others)
      await call(request, 'POST', `/api/v1/channels/${channel.id}/join`, other.token);
    return channel;
  },

  dm: (request: APIRequestContext, workspaceId: string, from: SeededUser, to: SeededUser) =>
    call<{ id: string }>(request, 'POST', `/api/v1/workspaces/${workspaceId}/dms`, from.token, {
      userIds: [to.user.id],
    }),

  /** Installs a plugin of the catalogue for the workspace, with its default settings (an admin's doing). */
  installPlugin: (request: APIRequestContext, workspaceId: string, admin: SeededUser, pluginId: string) =>
    call(request, 'PUT', `/api/v1/workspaces/${workspaceId}/plugins/${pluginId}`, admin.token, {
      enabled: true,
    }),

  /** An incoming webhook of the channel: answers the path its payloads are POSTed to. */
  async incomingWebhook(request: APIRequestContext, channelId: string, creator: SeededUser, name: string) {
    const hook = await call<{ url: string }>(
      request,
      'POST',
      `/api/v1/channels/${channelId}/incoming-webhooks`,
      creator.token,
      { name },
    );
    return new URL(hook.url).pathname;
  },

  post: (request: APIRequestContext, channelId: string, author: SeededUser, text: string) =>
    call<{ id: string }>(request, 'POST', `/api/v1/channels/${channelId}/messages`, author.token, { text }),

  /**
   * An incoming webhook in the channel, an outgoing one (to a port where nothing listens: its deliveries fail
   * and wait for a retry), an installed app and a personal token, for the admin console's integration pages;
   * answers the app's OAuth consent page.
   */
  async integrations(request: APIRequestContext, workspaceId: string, channelId: string, admin: SeededUser) {
    await call(request, 'POST', `/api/v1/channels/${channelId}/incoming-webhooks`, admin.token, {
      name: 'Deploys',
    });
    await call(request, 'POST', `/api/v1/workspaces/${workspaceId}/webhooks`, admin.token, {
      url: 'http://127.0.0.1:9/unreachable',
      events: ['message.created'],
    });
    const app = await call<{ id: string; clientId: string }>(
      request,
      'POST',
      `/api/v1/workspaces/${workspaceId}/apps`,
      admin.token,
      {
        name: 'Standup',
        redirectUris: ['https://standup.example/callback'],
        scopes: ['chat:write'],
      },
    );
    await call(request, 'POST', `/api/v1/workspaces/${workspaceId}/apps/${app.id}/install`, admin.token, {});
    await call(request, 'POST', '/api/v1/me/tokens', admin.token, { name: 'CI', scopes: ['users:read'] });
    const consent = new URLSearchParams({
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: 'https://standup.example/callback',
      scope: 'chat:write',
      state: 'seeded',
    });
    return { consentUrl: `/oauth/authorize?${consent.toString()}` };
  },

  reply: (
    request: APIRequestContext,
    channelId: string,
    author: SeededUser,
    threadId: string,
    text: string,
  ) =>
    call<{ id: string }>(request, 'POST', `/api/v1/channels/${channelId}/messages`, author.token, {
      text,
      threadId,
    }),
};

/**
 * A fresh browser context (empty cache) in which `person` is signed in, as if they had signed in earlier in
 * this browser: the session sits in localStorage before the first page loads.
 */
export async function signedIn(browser: Browser, person: SeededUser, options: BrowserContextOptions = {}) {
  const origin = new URL(String(test.info().project.use.baseURL)).origin;
  const context = await browser.newContext({
    ...options,
    storageState: {
      cookies: [],
      origins: [{ origin, localStorage: [{ name: SESSION_KEY, value: JSON.stringify(person) }] }],
    },
  });
  return context.newPage();
}

/**
 * Writes `count` messages, a minute apart up to now, straight into the channel's table: the browser budgets
 * need a long history, which the API (one post per request) would take minutes to build. Only the history
 * reads them; no events are written. Texts are "Message 1" (oldest) to "Message <count>".
 */
export async function bulkMessages(
  databaseUrl: string,
  target: { workspaceId: string; channelId: string; userId: string },
  count: number,
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const end = Date.now();
    const times = Array.from({ length: count }, (_, i) => end - (count - i) * 60_000);
    await client.query(
      `INSERT INTO messages (id, workspace_id, channel_id, user_id, text, created_at, ts)
       SELECT id, $2, $3, $4, 'Message ' || n, to_timestamp(at / 1000.0), (at * 1000)::bigint
       FROM unnest($1::uuid[], $5::float8[]) WITH ORDINALITY AS seeded(id, at, n)`,
      [times.map((msecs) => v7({ msecs })), target.workspaceId, target.channelId, target.userId, times],
    );
  } finally {
    await client.end();
  }
}
