import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { createChannel, createWorkspace, registerUser, TestUser } from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

/**
 * The pictures Block Kit blocks and attachments name by URL, shown by the client through the server (the page's
 * CSP admits only its own images): fetched through the egress guard, re-encoded and bounded, for readers only,
 * and only the URLs the message itself shows.
 */
let server: TestServer;
let imageServer: Server;
let imageBase: string;
const imageRequests: string[] = [];
let owner: TestUser;
let outsider: TestUser;
let channelId: string;

beforeAll(async () => {
  const large = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#3366cc' } })
    .jpeg()
    .toBuffer();
  const small = await sharp({ create: { width: 40, height: 30, channels: 4, background: '#cc336680' } })
    .png()
    .toBuffer();
  imageServer = createServer((request, response) => {
    imageRequests.push(request.url ?? '');
    const path = new URL(request.url ?? '/', imageBase).pathname;
    if (path === '/large.jpg') response.writeHead(200, { 'content-type': 'image/jpeg' }).end(large);
    else if (path === '/small.png') response.writeHead(200, { 'content-type': 'image/png' }).end(small);
    else response.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg onload="alert(1)"></svg>');
  });
  await new Promise<void>((resolve) => imageServer.listen(0, '127.0.0.1', resolve));
  imageBase = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}`;
  server = await startTestServer({ egressAllowNetworks: ['127.0.0.0/8'] });
  owner = await registerUser(server.url, 'Owner');
  outsider = await registerUser(server.url, 'Outsider');
  channelId = (await createChannel(owner, (await createWorkspace(owner)).id)).id;
});

afterAll(async () => {
  await server.close();
  await new Promise((resolve) => imageServer.close(resolve));
});

async function post(body: object): Promise<string> {
  const posted = await owner.api.post(`/api/v1/channels/${channelId}/messages`, body);
  expect(posted.status).toBe(201);
  return posted.body.id;
}

const image = (user: TestUser, messageId: string, url: string) =>
  fetch(`${server.url}/api/v1/messages/${messageId}/images?url=${encodeURIComponent(url)}`, {
    headers: { authorization: `Bearer ${user.token}` },
  });

describe('GET /messages/:messageId/images', () => {
  it("serves a block's image as WebP scaled into 720 px, fetched once, to readers only", async () => {
    const url = `${imageBase}/large.jpg`;
    const messageId = await post({ blocks: [{ type: 'image', image_url: url, alt_text: 'A chart' }] });
    const first = await image(owner, messageId, url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/webp');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    const meta = await sharp(Buffer.from(await first.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 720, height: 360 });

    expect((await image(owner, messageId, url)).status).toBe(200);
    expect(imageRequests.filter((path) => path === '/large.jpg')).toHaveLength(1);
    expect((await image(outsider, messageId, url)).status).toBe(404);
  });

  it('serves accessory, context and attachment images, small ones at their own size', async () => {
    const url = (name: string) => `${imageBase}/small.png?${name}`;
    const messageId = await post({
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'Build' },
          accessory: { type: 'image', image_url: url('accessory'), alt_text: 'Logo' },
        },
        { type: 'context', elements: [{ type: 'image', image_url: url('context'), alt_text: 'Icon' }] },
      ],
      attachments: [
        { text: 'Details', thumb_url: url('thumb'), author_name: 'CI', author_icon: url('author') },
      ],
    });
    for (const name of ['accessory', 'context', 'thumb', 'author']) {
      const served = await image(owner, messageId, url(name));
      expect(served.status).toBe(200);
      const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: 40, height: 30 });
    }
  });

  it('is 404 for a URL the message does not show and for one that is no image; 400 for a bad url', async () => {
    const svg = `${imageBase}/drawing.svg`;
    const messageId = await post({ blocks: [{ type: 'image', image_url: svg, alt_text: 'Drawing' }] });
    const notImage = await image(owner, messageId, svg);
    expect(notImage.status).toBe(404);
    expect(notImage.headers.get('content-type')).toContain('application/problem+json');

    const requestsBefore = imageRequests.length;
    expect((await image(owner, messageId, `${imageBase}/large.jpg`)).status).toBe(404);
    expect(imageRequests.length).toBe(requestsBefore);

    const bad = await image(owner, messageId, 'javascript:alert(1)');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('url');
  });
});
