import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

const UPLOAD_LIMIT = 64 * 1024;
let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let guest: TestUser;
let workspaceId: string;

beforeAll(async () => {
  server = await startTestServer({ uploadLimitBytes: UPLOAD_LIMIT });
  alice = await registerUser(server.url, 'Alice');
  bob = await registerUser(server.url, 'Bob');
  guest = await registerUser(server.url, 'Guest');
  workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, bob);
  await addToWorkspace(alice, workspaceId, guest, 'guest');
});
afterAll(() => server.close());

function form(content: string | Uint8Array, name: string, type = 'text/plain', field = 'file'): FormData {
  const data = new FormData();
  data.append(field, new Blob([content], { type }), name);
  return data;
}

async function upload(user: TestUser, content: string | Uint8Array, name: string, type?: string) {
  return user.api.post(`/api/v1/workspaces/${workspaceId}/files`, form(content, name, type));
}

describe('files', () => {
  it('uploads, attaches to a message and serves the bytes to channel members only', async () => {
    const uploaded = await upload(alice, 'quarterly numbers', 'report.txt');
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ name: 'report.txt', size: 17, contentType: 'text/plain' });
    const fileId = uploaded.body.id;

    // Before it is shared, only the uploader can read it.
    expect((await alice.api.get(`/api/v1/files/${fileId}`)).status).toBe(200);
    expect((await bob.api.get(`/api/v1/files/${fileId}`)).status).toBe(404);

    const secret = await createChannel(alice, workspaceId, 'private');
    const message = await postMessage(alice, secret.id, 'see attached', { fileIds: [fileId] });
    expect((message as any).files).toEqual([expect.objectContaining({ id: fileId, name: 'report.txt' })]);
    expect((await bob.api.get(`/api/v1/files/${fileId}/content`)).status).toBe(404);

    await alice.api.post(`/api/v1/channels/${secret.id}/members`, { userId: bob.id });
    const download = await bob.api.get(`/api/v1/files/${fileId}/content`);
    expect(download.status).toBe(200);
    expect(download.body).toBe('quarterly numbers');
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-disposition')).toMatch(/^inline; filename="report.txt"/);

    // Removing the person, or deleting the message, takes the access away again.
    await alice.api.delete(`/api/v1/channels/${secret.id}/members/${bob.id}`);
    expect((await bob.api.get(`/api/v1/files/${fileId}/content`)).status).toBe(404);
    await alice.api.post(`/api/v1/channels/${secret.id}/members`, { userId: bob.id });
    await alice.api.delete(`/api/v1/messages/${message.id}`);
    expect((await bob.api.get(`/api/v1/files/${fileId}/content`)).status).toBe(404);
  });

  it('shares files in public channels with members but not with guests outside it', async () => {
    const uploaded = await upload(alice, 'hello', 'hello.txt');
    const channel = await createChannel(alice, workspaceId);
    await postMessage(alice, channel.id, 'public file', { fileIds: [uploaded.body.id] });
    expect((await bob.api.get(`/api/v1/files/${uploaded.body.id}/content`)).status).toBe(200);
    expect((await guest.api.get(`/api/v1/files/${uploaded.body.id}/content`)).status).toBe(404);
  });

  it('serves HTML, SVG, scripts and unknown types as attachments, never inline', async () => {
    for (const [name, type] of [
      ['page.html', 'text/html'],
      ['image.svg', 'image/svg+xml'],
      ['app.js', 'application/javascript'],
      ['blob.bin', 'application/x-unknown'],
    ]) {
      const uploaded = await upload(alice, '<script>alert(1)</script>', name, type);
      expect(uploaded.status).toBe(201);
      const download = await alice.api.get(`/api/v1/files/${uploaded.body.id}/content`);
      expect(download.headers.get('content-type')).toBe('application/octet-stream');
      expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(download.headers.get('x-content-type-options')).toBe('nosniff');
      expect(download.headers.get('content-security-policy')).toContain('sandbox');
    }
  });

  it('refuses files over the upload limit with 413 and keeps nothing', async () => {
    const big = new Uint8Array(UPLOAD_LIMIT + 1);
    const response = await upload(alice, big, 'big.bin', 'application/octet-stream');
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const exact = await upload(alice, new Uint8Array(UPLOAD_LIMIT), 'exact.bin', 'application/octet-stream');
    expect(exact.status).toBe(201);
    expect(exact.body.size).toBe(UPLOAD_LIMIT);
    // Only complete uploads are on disk: the refused one left no partial file behind.
    const stored = await readdir(path.join(server.dataDir, 'files', workspaceId));
    expect(stored.filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(stored).toContain(exact.body.id);
  });

  it('refuses path traversal and control characters in file names, naming the field', async () => {
    for (const name of ['../../etc/passwd', '..\\..\\boot.ini', 'a/b.txt', '..', 'bad\u0001name.txt']) {
      const response = await upload(alice, 'x', name);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ path: 'file' })]);
    }
    const unicode = await upload(alice, 'x', 'résumé 2024 ✓.txt');
    expect(unicode.status).toBe(201);
    const download = await alice.api.get(`/api/v1/files/${unicode.body.id}/content`);
    expect(download.headers.get('content-disposition')).toContain("filename*=UTF-8''r%C3%A9sum%C3%A9");
  });

  it('refuses uploads without a file, in the wrong field, or not multipart', async () => {
    const wrongField = await alice.api.post(
      `/api/v1/workspaces/${workspaceId}/files`,
      form('x', 'a.txt', 'text/plain', 'upload'),
    );
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.errors[0].path).toBe('upload');
    const json = await alice.api.post(`/api/v1/workspaces/${workspaceId}/files`, { file: 'x' });
    expect(json.status).toBe(415);
    const empty = await alice.api.post(`/api/v1/workspaces/${workspaceId}/files`, new FormData());
    expect(empty.status).toBe(400);
  });

  it('lets people attach only their own files from the same workspace', async () => {
    const alices = await upload(alice, 'mine', 'mine.txt');
    const channel = await createChannel(alice, workspaceId);
    await bob.api.post(`/api/v1/channels/${channel.id}/join`);
    const response = await bob.api.post(`/api/v1/channels/${channel.id}/messages`, {
      text: 'stealing',
      fileIds: [alices.body.id],
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { path: 'fileIds/0', message: 'is not a file you uploaded to this workspace' },
    ]);
    const outsider = await registerUser(server.url);
    expect(
      (await outsider.api.post(`/api/v1/workspaces/${workspaceId}/files`, form('x', 'x.txt'))).status,
    ).toBe(404);
  });
});
