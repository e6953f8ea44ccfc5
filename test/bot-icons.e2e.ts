import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

/**
 * An incoming webhook's `icon_url`, shown by the client through the server (the page's CSP admits only its own
 * images, and readers' addresses stay private): fetched once through the egress guard and served re-encoded.
 */
let server: TestServer;
let iconServer: Server;
let iconBase: string;
const iconRequests: string[] = [];
let owner: TestUser;
let outsider: TestUser;
let channelId: string;
let hookPath: string;

beforeAll(async () => {
  const png = await sharp({ create: { width: 200, height: 120, channels: 3, background: '#cc3366' } })
    .png()
    .toBuffer();
  iconServer = createServer((request, response) => {
    iconRequests.push(request.url ?? '');
    if (request.url === '/icon.png') response.writeHead(200, { 'content-type': 'image/png' }).end(png);
    else response.writeHead(200, { 'content-type': 'text/html' }).end('<svg onload="alert(1)"></svg>');
  });
  await new Promise<void>((resolve) => iconServer.listen(0, '127.0.0.1', resolve));
  iconBase = `http://127.0.0.1:${(iconServer.address() as AddressInfo).port}`;
  server = await startTestServer({ egressAllowNetworks: ['127.0.0.0/8'] });
  owner = await registerUser(server.url, 'Owner');
  outsider = await registerUser(server.url, 'Outsider');
  const workspaceId = (await createWorkspace(owner)).id;
  const member = await registerUser(server.url, 'Member');
  await addToWorkspace(owner, workspaceId, member);
  channelId = (await createChannel(owner, workspaceId)).id;
  const hook = await owner.api.post(`/api/v1/channels/${channelId}/incoming-webhooks`, { name: 'CI' });
  expect(hook.status).toBe(201);
  hookPath = new URL(hook.body.url).pathname;
});

afterAll(async () => {
  await server.close();
  await new Promise((resolve) => iconServer.close(resolve));
});

/** Posts through the hook and answers the new message's id. */
async function hookPost(payload: object): Promise<string> {
  const delivered = await fetch(server.url + hookPath, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  expect(delivered.status).toBe(200);
  const newest = await owner.api.get(`/api/v1/channels/${channelId}/messages?limit=1`);
  return newest.body.items[0].id;
}

const icon = (user: TestUser, messageId: string) =>
  fetch(`${server.url}/api/v1/messages/${messageId}/bot-icon`, {
    headers: { authorization: `Bearer ${user.token}` },
  });

describe('GET /messages/:messageId/bot-icon', () => {
  it('serves the icon a post asked for as a small WebP, fetched once, to readers only', async () => {
    const messageId = await hookPost({
      text: 'Deployed',
      username: 'Deploy bot',
      icon_url: `${iconBase}/icon.png`,
    });
    const first = await icon(owner, messageId);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/webp');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    const meta = await sharp(Buffer.from(await first.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 48, height: 48 });

    expect((await icon(owner, messageId)).status).toBe(200);
    expect(iconRequests.filter((url) => url === '/icon.png')).toHaveLength(1);
    expect((await icon(outsider, messageId)).status).toBe(404);
  });

  it('is 404 for a post without an icon and for an icon URL that is no image', async () => {
    expect((await icon(owner, await hookPost({ text: 'Plain' }))).status).toBe(404);
    const notImage = await hookPost({ text: 'Sneaky', icon_url: `${iconBase}/page.html` });
    const refused = await icon(owner, notImage);
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
  });
});
