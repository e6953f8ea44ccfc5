import { deflateSync, crc32 } from 'node:zlib';
import { test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { expect, send, seriousViolations } from './journeys';
import { unique } from './seed';

/**
 * Files, search and jump links. People, workspaces and history are set up through the API (the journeys of
 * signing up and inviting are chat.spec.ts's); each person's browser opens already signed in.
 */

interface Person {
  token: string;
  user: { id: string; displayName: string };
}

async function call<T>(
  request: APIRequestContext,
  person: Person | null,
  method: string,
  path: string,
  body?: object,
) {
  const response = await request.fetch(`/api/v1${path}`, {
    method,
    headers: person ? { authorization: `Bearer ${person.token}` } : {},
    data: body,
  });
  expect(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`).toBe(true);
  return (await response.json().catch(() => undefined)) as T;
}

async function register(request: APIRequestContext, name: string): Promise<Person> {
  const email = `${name.toLowerCase()}-${unique()}@example.test`;
  return call<Person>(request, null, 'POST', '/auth/register', {
    email,
    password: 'correct horse battery',
    displayName: name,
  });
}

/** Alice and Bob, registered once for the whole file (sign-ups per client address are limited). */
let people: { alice: Person; bob: Person } | undefined;

/** The team, in a workspace of its own for this test, with #general and both of them in it. */
async function team(request: APIRequestContext) {
  people ??= { alice: await register(request, 'Alice'), bob: await register(request, 'Bob') };
  const { alice, bob } = people;
  const slug = `files-${unique()}`;
  const workspace = await call<{ id: string }>(request, alice, 'POST', '/workspaces', { name: slug, slug });
  const channel = await call<{ id: string }>(request, alice, 'POST', `/workspaces/${workspace.id}/channels`, {
    name: 'general',
    kind: 'public',
  });
  const invite = await call<{ code: string }>(request, alice, 'POST', `/workspaces/${workspace.id}/invites`, {
    role: 'member',
  });
  await call(request, bob, 'POST', `/invites/${invite.code}/accept`);
  await call(request, bob, 'POST', `/channels/${channel.id}/join`);
  return { alice, bob, workspaceId: workspace.id, channelId: channel.id };
}

/** A browser page signed in as `person` (the client keeps its session in localStorage). */
async function pageOf(browser: Browser, person: Person): Promise<Page> {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  await context.addInitScript((session) => {
    localStorage.setItem('jokkaer.session', session);
  }, JSON.stringify(person));
  return context.newPage();
}

/** A PNG of width×height pixels, a gradient (so that a preview that shows it is seen to have loaded). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per sample, RGB
  const rows = Array.from({ length: height }, (_, y) =>
    Buffer.from([0, ...Array.from({ length: width }, (_, x) => [x % 256, y % 256, 160]).flat()]),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Holds the uploads of a page until released, so that one in flight can be seen (and cancelled). */
async function holdUploads(page: Page) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/v1/workspaces/*/files', async (route) => {
    await released;
    await route.continue().catch(() => undefined); // a cancelled upload has no request left to continue
  });
  return release;
}

const composer = (page: Page) => page.getByRole('textbox', { name: /^Message / });

test('an image and a file go with a message, with progress; the other person sees the preview', async ({
  browser,
  request,
}) => {
  const { alice, bob, workspaceId, channelId } = await team(request);
  const channelUrl = `/w/${workspaceId}/c/${channelId}`;
  const alicePage = await pageOf(browser, alice);
  const bobPage = await pageOf(browser, bob);
  await alicePage.goto(channelUrl);
  await bobPage.goto(channelUrl);
  await expect(bobPage.getByRole('heading', { name: '# general' })).toBeVisible();

  const release = await holdUploads(alicePage);
  const chooser = alicePage.waitForEvent('filechooser');
  await alicePage.getByRole('button', { name: 'Attach files' }).click();
  await (
    await chooser
  ).setFiles([
    { name: 'photo.png', mimeType: 'image/png', buffer: png(320, 200) },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('the notes') },
  ]);
  // In flight: a progress bar each, which reaches the file's size once its bytes are sent; the send waits.
  const progress = alicePage.getByRole('progressbar', { name: 'Uploading photo.png' });
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute('max', String(png(320, 200).length));
  await expect(alicePage.getByRole('button', { name: 'Send' })).toBeDisabled();
  expect(await seriousViolations(alicePage), 'axe with uploads in flight').toEqual([]);
  release();
  await expect(alicePage.getByRole('progressbar')).toHaveCount(0);
  await expect(alicePage.getByRole('button', { name: 'Remove photo.png' })).toBeVisible();
  await send(alicePage, 'Here is the photo');

  const message = bobPage.getByRole('article').filter({ hasText: 'Here is the photo' });
  const preview = message.getByRole('img', { name: 'photo.png' });
  await expect(preview).toBeVisible();
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
  await message.getByRole('button', { name: 'Open photo.png full size' }).click();
  const full = bobPage.getByRole('dialog', { name: 'photo.png' });
  await expect(full.getByRole('img', { name: 'photo.png' })).toBeVisible();
  await full.getByRole('button', { name: 'Close' }).click();

  const download = bobPage.waitForEvent('download');
  await message.getByRole('button', { name: 'Download notes.txt' }).click();
  expect((await download).suggestedFilename()).toBe('notes.txt');
  expect(await seriousViolations(bobPage), 'axe with attachments shown').toEqual([]);
});

test('an upload can be cancelled, and files can be pasted or dropped', async ({ browser, request }) => {
  const { alice, workspaceId, channelId } = await team(request);
  const page = await pageOf(browser, alice);
  await page.goto(`/w/${workspaceId}/c/${channelId}`);
  await expect(page.getByRole('heading', { name: '# general' })).toBeVisible();

  const release = await holdUploads(page);
  const upload = page.waitForRequest('**/api/v1/workspaces/*/files');
  await page.locator('input[type=file]').setInputFiles({
    name: 'big.bin',
    mimeType: 'application/octet-stream',
    buffer: Buffer.alloc(256 * 1024, 7),
  });
  await upload;
  await page.getByRole('button', { name: 'Cancel the upload of big.bin' }).click();
  await expect(page.getByRole('list', { name: 'Attached files' })).toHaveCount(0);
  release();
  await send(page, 'nothing attached');
  const plain = page.getByRole('article').filter({ hasText: 'nothing attached' });
  await expect(plain).toBeVisible();
  await expect(plain.getByRole('list', { name: 'Attached files' })).toHaveCount(0);

  // Pasted into the box, and dropped onto the channel: each becomes an attachment.
  await composer(page).evaluate((box) => {
    const clipboard = new DataTransfer();
    clipboard.items.add(new File(['pasted words'], 'pasted.txt', { type: 'text/plain' }));
    box.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true }),
    );
  });
  await page.locator('section.channel').evaluate((channel) => {
    const dragged = new DataTransfer();
    dragged.items.add(new File(['dropped words'], 'dropped.txt', { type: 'text/plain' }));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      channel.dispatchEvent(new DragEvent(type, { dataTransfer: dragged, bubbles: true, cancelable: true }));
    }
  });
  await expect(page.getByRole('button', { name: 'Remove pasted.txt' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Remove dropped.txt' })).toBeVisible();
  await send(page, 'two files');
  const sent = page.getByRole('article').filter({ hasText: 'two files' });
  await expect(sent.getByRole('button', { name: 'Download pasted.txt' })).toBeVisible();
  await expect(sent.getByRole('button', { name: 'Download dropped.txt' })).toBeVisible();
});

test('search finds a message, marks the words safely, and jumps to it', async ({ browser, request }) => {
  const { alice, bob, workspaceId, channelId } = await team(request);
  const post = (text: string) =>
    call<{ id: string }>(request, bob, 'POST', `/channels/${channelId}/messages`, { text });
  const hit = await post('The quarterly budget is <b>ready</b> <img src=x onerror=alert(1)>');
  await post('Something else entirely');
  const page = await pageOf(browser, alice);
  await page.goto(`/w/${workspaceId}/c/${channelId}`);

  const box = page.getByRole('searchbox', { name: 'Search messages' });
  await box.fill('budget');
  await box.press('Enter');
  const results = page.getByRole('complementary', { name: 'Search results' });
  await expect(results.getByRole('status')).toHaveText('1 message for “budget”');
  const link = results.getByRole('link').filter({ hasText: 'quarterly' });
  await expect(link.locator('mark')).toHaveText('budget');
  await expect(link).toContainText('<b>ready</b> <img src=x onerror=alert(1)>');
  await expect(link.locator('b, img')).toHaveCount(0);
  await expect(link).toContainText('Bob');
  await expect(link).toContainText('# general');
  expect(await seriousViolations(page), 'axe with search results').toEqual([]);

  await link.click();
  await expect(page).toHaveURL(new RegExp(`/m/${hit.id}$`));
  await expect(page.getByRole('article').filter({ hasText: 'quarterly budget' })).toHaveClass(/highlighted/);
});

test('a link deep in history opens the message marked, and the history loads both ways', async ({
  browser,
  request,
}) => {
  const { alice, workspaceId, channelId } = await team(request);
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) {
    const text = `history ${String(i).padStart(3, '0')}`;
    ids.push(
      (await call<{ id: string }>(request, alice, 'POST', `/channels/${channelId}/messages`, { text })).id,
    );
  }
  const page = await pageOf(browser, alice);
  await page.goto(`/w/${workspaceId}/c/${channelId}`);
  // "Copy link" gives the address that opens the message.
  const newest = page.getByRole('article').filter({ hasText: 'history 199' });
  await newest.getByRole('button', { name: 'Copy link' }).click();
  await expect(newest.getByRole('button', { name: 'Link copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    new URL(`/w/${workspaceId}/c/${channelId}/m/${ids[199]}`, page.url()).href,
  );

  await page.goto(`/w/${workspaceId}/c/${channelId}/m/${ids[60]}`);
  const target = page.getByRole('article').filter({ hasText: 'history 060' });
  await expect(target).toBeInViewport();
  await expect(target).toHaveClass(/highlighted/);
  // The mark is for a moment only.
  await expect(target).not.toHaveClass(/highlighted/);

  const scroller = page.locator('.message-list [data-virtuoso-scroller]');
  const reach = async (text: string, edge: 'top' | 'bottom') => {
    await expect(async () => {
      await scroller.evaluate((element, to) => {
        element.scrollTop = to === 'top' ? 0 : element.scrollHeight;
      }, edge);
      await expect(page.getByRole('article').filter({ hasText: text })).toBeInViewport({ timeout: 500 });
    }).toPass();
  };
  await reach('history 000', 'top');
  await reach('history 199', 'bottom');
  // Read up to the newest, the view is live again: a new message shows at the bottom.
  await call(request, alice, 'POST', `/channels/${channelId}/messages`, { text: 'history 200' });
  await expect(page.getByRole('article').filter({ hasText: 'history 200' })).toBeVisible();
});
