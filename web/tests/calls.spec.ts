import { test, type Page } from '@playwright/test';
import { expect, seriousViolations } from './journeys';
import { seed, signedIn } from './seed';

// Fake camera and microphone, permission granted without a prompt; peers reach each other over loopback.
test.use({
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--allow-loopback-in-peer-connection',
      '--disable-features=WebRtcHideLocalIpsWithMdns',
    ],
  },
});

/** Keeps every RTCPeerConnection the page makes within reach of the test, for its statistics. */
async function recordPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const connections: RTCPeerConnection[] = [];
    (globalThis as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections = connections;
    const Original = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Original {
      constructor(configuration?: RTCConfiguration) {
        super(configuration);
        connections.push(this);
      }
    };
  });
}

/** Video frames the page has decoded from the other side, over all its open connections. */
function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let frames = 0;
    const { peerConnections } = globalThis as unknown as { peerConnections: RTCPeerConnection[] };
    for (const connection of peerConnections) {
      if (connection.connectionState === 'closed') continue;
      for (const report of (await connection.getStats()).values()) {
        if (report.type === 'inbound-rtp' && report.kind === 'video') frames += report.framesDecoded ?? 0;
      }
    }
    return frames;
  });
}

/**
 * Alice calls Bob from their direct conversation; Bob's tab rings, he accepts, and each decodes the other's
 * fake camera through the real call window (signaling by the server, media peer to peer). Muting shows on
 * Alice's own tile; Bob leaving leaves Alice waiting alone; a channel's call shows on its 📞 for the others.
 */
test('a DM call: ring, accept, both see each other, mute and leave', async ({ browser, request }) => {
  // Two pages encoding and decoding video on a shared machine: slower than a chat journey.
  test.setTimeout(150_000);
  const alice = await seed.user(request, 'Alice');
  const bob = await seed.user(request, 'Bob');
  const workspace = await seed.workspace(request, alice, [bob]);
  await seed.channel(request, workspace.id, alice, 'general', [bob]);
  const dm = await seed.dm(request, workspace.id, alice, bob);
  const url = `/w/${workspace.id}/c/${dm.id}`;

  const alicePage = await signedIn(browser, alice);
  const bobPage = await signedIn(browser, bob);
  for (const page of [alicePage, bobPage]) await recordPeerConnections(page);
  await bobPage.goto(`/w/${workspace.id}`);
  await expect(bobPage.getByRole('heading', { name: '# general' })).toBeVisible();
  await alicePage.goto(url);

  await alicePage.getByRole('button', { name: 'Start a call' }).click();
  const aliceCall = alicePage.getByRole('region', { name: 'Call with Bob' });
  await expect(aliceCall.getByRole('status')).toHaveText('Waiting for others to join');

  const ring = bobPage.getByRole('alertdialog', { name: 'Alice is calling you' });
  await expect(ring).toBeVisible();
  expect(await seriousViolations(bobPage)).toEqual([]);
  await ring.getByRole('button', { name: 'Accept' }).click();
  await expect(ring).toHaveCount(0);
  await expect(bobPage).toHaveURL(new RegExp(`${url}$`));
  const bobCall = bobPage.getByRole('region', { name: 'Call with Alice' });

  for (const call of [aliceCall, bobCall]) {
    await expect(call.getByRole('status')).toHaveText('Connected', { timeout: 20_000 });
    await expect(call.getByRole('list', { name: 'Participants' }).getByRole('listitem')).toHaveCount(2);
  }
  await expect(aliceCall.getByText('Bob', { exact: true })).toBeVisible();
  await expect(bobCall.getByText('Alice', { exact: true })).toBeVisible();
  for (const page of [alicePage, bobPage]) {
    await expect.poll(() => framesDecoded(page), { timeout: 20_000 }).toBeGreaterThan(10);
  }
  expect(await seriousViolations(alicePage)).toEqual([]);

  const mute = aliceCall.getByRole('button', { name: 'Mute' });
  await mute.click();
  await expect(mute).toHaveAttribute('aria-pressed', 'true');
  await expect(aliceCall.getByRole('img', { name: 'Microphone off' })).toBeVisible();
  await aliceCall.getByText('Devices').click();
  await expect(aliceCall.getByRole('combobox', { name: 'Camera' })).toBeVisible();
  await expect(aliceCall.getByRole('combobox', { name: 'Microphone' }).getByRole('option')).not.toHaveCount(
    0,
  );

  await bobCall.getByRole('button', { name: 'Leave' }).click();
  await expect(bobCall).toHaveCount(0);
  await expect(aliceCall.getByRole('status')).toHaveText('Waiting for others to join');
  await expect(aliceCall.getByRole('list', { name: 'Participants' }).getByRole('listitem')).toHaveCount(1);
  await aliceCall.getByRole('button', { name: 'Leave' }).click();
  await expect(aliceCall).toHaveCount(0);
});
