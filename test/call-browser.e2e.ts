import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, requireBrowser, withBrowser } from '../fixtures/browser';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/**
 * Two pages of a real browser (Debian's chromium, fake cameras) join a call through the server and each
 * receives the other's video: the server did the signaling, the media went peer to peer over loopback.
 */
let server: TestServer;
let browser: Browser | undefined;
let alice: TestUser;
let bob: TestUser;
let channelId: string;

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob] = await Promise.all(['Alice', 'Bob'].map((name) => registerUser(server.url, name)));
  const workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, bob);
  channelId = (await createChannel(alice, workspaceId)).id;
  await bob.api.post(`/api/v1/channels/${channelId}/join`);
  browser = await launchChromium([
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server.close();
});

type InboundVideo = Record<string, { framesDecoded: number; width: number; height: number }>;

/** A page on the server's origin (so the API and socket are same-origin) running the call client. */
async function callPage(): Promise<Page> {
  // The test client is injected into one of the server's JSON answers, whose CSP (rightly) forbids scripts.
  const page = await requireBrowser(browser).newPage({ bypassCSP: true });
  await page.goto(`${server.url}/health`);
  await page.addScriptTag({ path: path.join(__dirname, '../fixtures/call-client.browser.js') });
  return page;
}

async function join(page: Page, user: TestUser): Promise<{ id: string; participants: string[] }> {
  return await page.evaluate(
    (input) =>
      (
        globalThis as unknown as {
          jokkaerCall: { join(input: unknown): Promise<{ id: string; participants: string[] }> };
        }
      ).jokkaerCall.join(input),
    { token: user.token, userId: user.id, channelId },
  );
}

function inboundVideo(page: Page): Promise<InboundVideo> {
  return page.evaluate(() =>
    (
      globalThis as unknown as { jokkaerCall: { inboundVideo(): Promise<InboundVideo> } }
    ).jokkaerCall.inboundVideo(),
  );
}

withBrowser(
  'two browser pages with fake cameras each receive the other’s video',
  async () => {
    const [alicePage, bobPage] = [await callPage(), await callPage()];
    const started = await join(alicePage, alice);
    const joined = await join(bobPage, bob);
    expect(joined).toEqual({ id: started.id, channelId, participants: [alice.id, bob.id] });

    // Frames keep arriving: decoded on both sides, from the other person, at the fake camera's size.
    const [atAlice, atBob] = await Promise.all(
      [alicePage, bobPage].map((page, index) =>
        eventually(
          async () => {
            const video = (await inboundVideo(page))[index === 0 ? bob.id : alice.id];
            return video && video.framesDecoded >= 10 ? video : undefined;
          },
          'inbound video frames',
          20_000,
        ),
      ),
    );
    for (const video of [atAlice, atBob]) {
      expect(video.width).toBeGreaterThan(0);
      expect(video.height).toBeGreaterThan(0);
    }
    await alicePage.close();
    await bobPage.close();
  },
  60_000,
);
